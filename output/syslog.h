/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* syslog.h - every event to a syslog collector over TCP or TLS.
 *
 * Each event, as -o json prints it, becomes the MSG of an RFC 5424 message
 * framed by octet counting (RFC 6587). The decoding thread only copies the
 * framed message into a bounded queue; a sender thread owns the socket,
 * reconnects with backoff and counts what it could not deliver. A message
 * is written whole or counted lost, never written twice.
 */
#ifndef TRACER_OUTPUT_SYSLOG_H
#define TRACER_OUTPUT_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/events/event.h"

/* Where to: --syslog=tcp://HOST:PORT or tls://HOST:PORT. */
struct syslog_target {
	bool tls;
	char host[256]; /* a name or an IP address, without [] */
	char port[8];
};

struct syslog_opts {
	const char *url;
	const char *ca; /* --syslog-ca: NULL uses the system's CAs */
	const char *cert, *key; /* client certificate and key, optional */
	const struct tr_host *host; /* for the JSON formatter */
	size_t queue_bytes; /* 0: SYSLOG_QUEUE_BYTES */
};

#define SYSLOG_QUEUE_BYTES (8u << 20)

/* The RFC 5424 header fields that do not change per event. */
struct syslog_hdr {
	char hostname[256]; /* printable US-ASCII, "-" when unknown */
	uint32_t pid;
};

struct syslog_out;

/* Parses a --syslog URL; 0, or -1 with the reason in err. */
int syslog_parse_url(const char *url, struct syslog_target *t, char *err, size_t errlen);
/* RFC 5424 HOSTNAME from a host name: 1..255 printable ASCII, no spaces. */
void syslog_hostname(char *out, size_t cap, const char *name);
/* The severity of an event: info, notice for policy events, warning for
 * those that enforce (kill, signal, override). */
int syslog_severity(const struct tr_event *ev);
/* The octet-counted frame "LEN <PRI>1 TIME HOST tracer PID MSGID - MSG"
 * into buf; returns its length, or 0 when it does not fit. A trailing
 * newline of msg is not part of MSG. */
size_t syslog_frame(char *buf, size_t cap, const struct syslog_hdr *h, const struct tr_event *ev,
		    const char *msg, size_t len);

/* Opens the queue and starts the sender (which connects in the
 * background); -1 with the reason in err on a bad URL, CA, cert or key. */
int syslog_open(struct syslog_out **out, const struct syslog_opts *o, char *err, size_t errlen);
/* Queues one event; never blocks on the network and allocates nothing.
 * An event that does not fit the queue is counted lost. */
void syslog_event(struct syslog_out *s, const struct tr_event *ev);
/* SIGUSR1: one line of counters. */
void syslog_report(struct syslog_out *s, FILE *f);
/* Stopping: sends what is queued for at most wait_ns, stops the sender,
 * and prints the end line ("N events not delivered to syslog"). */
void syslog_finish(struct syslog_out *s, uint64_t wait_ns, FILE *f);
void syslog_free(struct syslog_out *s);

#endif /* TRACER_OUTPUT_SYSLOG_H */
