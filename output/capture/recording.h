/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* recording.h - -w writes the decoder's input to a capture; -r replays one. */
#ifndef TRACER_OUTPUT_RECORDING_H
#define TRACER_OUTPUT_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/capture/capture.h"
#include "output/events/decode.h"
#include "output/capture/flight.h"

struct recording_opts {
	const char *path; /* "-": standard output */
	uint64_t rotate_bytes; /* -C, in bytes; 0: never */
	uint32_t max_files; /* -W; 0: unbounded */
	const struct capture_blob *policies; /* the policy texts in force */
	int npolicies;
	/* flight recorder (--pre-trigger): 0 writes everything as it comes */
	uint64_t pre_ns, post_ns; /* kept before, written after a policy event */
	size_t ring_bytes;	  /* memory for what is kept before */
};

struct recording {
	struct capture_writer *w;
	struct decoder *d;
	bool pending; /* records written since the last drain marker */
	const struct event_header *cur; /* the record being written (rotation) */
	size_t snap_bytes; /* process snapshots written for it */
	bool small_drain; /* the drain being decoded is small: small blocks */
	char host[65], release[65], version[65], machine[65];
	char snap[2 * EVENT_PROC_MAX]; /* one snapshot record */
	/* flight recorder: records wait in ring; a window is a capture of its
	 * own appended to the file, open from a policy event until post_ns
	 * after the last one (records past that go back to the ring), and
	 * closed once no later trigger could merge with it */
	bool flight;
	struct flight_ring ring;
	uint64_t pre_ns, post_ns;
	uint64_t until;	     /* boot-clock ns: the open window writes up to here */
	uint64_t last_ktime; /* of the last record seen (markers have none) */
	uint32_t windows;    /* windows written */
	struct capture_opts co;
	struct capture_info ci;
	uint8_t chain[CAP_HASH_LEN]; /* the last capture's final link */
	char fail[512]; /* a window could not be written: the capture stops */
	void *host_rec; /* the EV_HOST record: first in every window */
	size_t host_len;
};

/* Opens the capture and hooks the decoder so every record it decodes is
 * written first. -1 with a one-line reason in err. */
int recording_start(struct recording *rec, const struct recording_opts *o, struct decoder *d,
		    char *err, size_t errlen);
/* A record the decoder takes directly (the start-up scan). */
void recording_record(struct recording *rec, const void *data, size_t size);
void recording_batch_end(struct recording *rec);
/* A cgroup move used as lookahead before it is decoded (next batch). */
void recording_hint(struct recording *rec, const void *data, size_t size);
/* Called from the main loop: writes what has waited about a second; the
 * flight recorder closes a window no trigger can merge with any more. */
void recording_tick(struct recording *rec);
/* A policy event printed at boot-clock ktime: the flight recorder writes
 * the last pre_ns and keeps writing until post_ns pass without another. */
void recording_trigger(struct recording *rec, uint64_t ktime);
/* A write failed (a full disk, a rotation it may not create): the capture
 * is stopped, recording_stop() returns the message. */
bool recording_failed(const struct recording *rec);
int recording_stop(struct recording *rec, char *err, size_t errlen);

/* Replays path ("-": stdin) through d; 0, or -1 with the problem in err
 * after everything before it was decoded (and printed). */
int replay_file(const char *path, struct decoder *d, struct batch *b, volatile const int *stop,
		char *err, size_t errlen);

#endif /* TRACER_OUTPUT_RECORDING_H */
