/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* flight.h - the flight recorder's memory: the last seconds of raw records. */
#ifndef TRACER_OUTPUT_FLIGHT_H
#define TRACER_OUTPUT_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A byte ring of records with their boot-clock time, oldest first. Pushing
 * never allocates: records older than the window age out (not counted);
 * records pushed out for room while still inside it are counted dropped. */
struct flight_ring {
	uint8_t *buf;
	size_t cap;
	size_t head, tail; /* next write, oldest entry */
	size_t wrap_at;	   /* wrapped: where the older run ends */
	bool wrapped;	   /* head is behind tail */
	uint32_t n;	   /* entries held */
	uint64_t keep_ns;  /* the window: --pre-trigger */
	uint64_t dropped;  /* records lost from inside the window (room) */
};

int flight_init(struct flight_ring *f, size_t bytes, uint64_t keep_ns);
void flight_free(struct flight_ring *f);
/* Copies a record in (ktime: its boot-clock ns). Too large for the ring:
 * dropped, counted. */
void flight_push(struct flight_ring *f, const void *data, size_t size, uint64_t ktime);
/* Hands every record at or after since to fn, oldest first, and empties
 * the ring (older ones are simply let go). */
void flight_drain(struct flight_ring *f, uint64_t since,
		  void (*fn)(void *ctx, const void *data, size_t size), void *ctx);

#endif /* TRACER_OUTPUT_FLIGHT_H */
