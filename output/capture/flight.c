// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* flight.c - a bounded ring of raw records for -w --pre-trigger.
 *
 * Entries are {u32 len, u32 unused, u64 ktime, len bytes padded to 8},
 * contiguous; one that does not fit before the end of the buffer starts
 * again at its front (wrap_at remembers where the old run ends), so a
 * record is always one memcpy in and one pointer out. Memory is fixed at start:
 * whatever the event rate, the ring holds at most cap bytes and drops the
 * oldest, counting those still inside the window.
 */
#include <stdlib.h>
#include <string.h>

#include "output/capture/flight.h"

#define ENTRY_HDR 16

struct entry {
	uint32_t len;
	uint32_t unused;
	uint64_t ktime;
};

static size_t entry_size(size_t len)
{
	return ENTRY_HDR + ((len + 7) & ~(size_t)7);
}

int flight_init(struct flight_ring *f, size_t bytes, uint64_t keep_ns)
{
	memset(f, 0, sizeof(*f));
	f->cap = bytes & ~(size_t)7;
	f->buf = malloc(f->cap);
	f->keep_ns = keep_ns;
	return f->buf ? 0 : -1;
}

void flight_free(struct flight_ring *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

static struct entry *oldest(const struct flight_ring *f)
{
	return (struct entry *)(f->buf + f->tail);
}

/* Lets go of the oldest entry; past the wrap point the oldest is at 0. */
static void pop(struct flight_ring *f)
{
	f->tail += entry_size(oldest(f)->len);
	f->n--;
	if (f->wrapped && f->tail >= f->wrap_at) {
		f->tail = 0;
		f->wrapped = false;
	}
	if (!f->n)
		f->head = f->tail = 0, f->wrapped = false;
}

/* Room for need contiguous bytes at head, dropping the oldest as needed:
 * unwrapped, the free space is [head, cap) then [0, tail); wrapped, it is
 * [head, tail). */
static uint8_t *make_room(struct flight_ring *f, size_t need, uint64_t ktime)
{
	for (;;) {
		if (!f->n)
			return need <= f->cap ? f->buf : NULL;
		if (!f->wrapped && f->cap - f->head >= need)
			return f->buf + f->head;
		if (!f->wrapped && f->tail >= need) {
			f->wrap_at = f->head;
			f->head = 0;
			f->wrapped = true;
			return f->buf;
		}
		if (f->wrapped && f->tail - f->head >= need)
			return f->buf + f->head;
		if (oldest(f)->ktime + f->keep_ns >= ktime)
			f->dropped++; /* still inside the window: lost for room */
		pop(f);
	}
}

void flight_push(struct flight_ring *f, const void *data, size_t size, uint64_t ktime)
{
	size_t need = entry_size(size);
	struct entry *e;
	uint8_t *p;

	while (f->n && oldest(f)->ktime + f->keep_ns < ktime)
		pop(f); /* aged out of the window */
	if (need > f->cap / 2 || !(p = make_room(f, need, ktime))) {
		f->dropped++;
		return;
	}
	e = (struct entry *)p;
	e->len = size;
	e->unused = 0;
	e->ktime = ktime;
	memcpy(p + ENTRY_HDR, data, size);
	f->head = (p - f->buf) + need;
	f->n++;
}

void flight_drain(struct flight_ring *f, uint64_t since,
		  void (*fn)(void *ctx, const void *data, size_t size), void *ctx)
{
	while (f->n) {
		const struct entry *e = oldest(f);

		if (e->ktime >= since)
			fn(ctx, (const uint8_t *)e + ENTRY_HDR, e->len);
		pop(f);
	}
}
