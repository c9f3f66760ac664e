/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* syslog_net.h - the sender's connection: TCP, or TLS through OpenSSL.
 *
 * Only the sender thread uses a connection. Every wait has a deadline
 * (CLOCK_MONOTONIC ns), so a stop is never held by a collector that went
 * silent.
 */
#ifndef TRACER_OUTPUT_SYSLOG_NET_H
#define TRACER_OUTPUT_SYSLOG_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "output/syslog.h"

struct ssl_ctx_st;
struct ssl_st;

struct sl_net {
	struct syslog_target t;
	struct ssl_ctx_st *ctx; /* tls:// only */
};

struct sl_conn {
	int fd; /* -1: not connected */
	struct ssl_st *ssl;
};

uint64_t sl_now(void); /* CLOCK_MONOTONIC ns */
/* Loads the CA, client certificate and key; -1 with the reason in err. */
int sl_net_init(struct sl_net *n, const struct syslog_target *t, const struct syslog_opts *o,
		char *err, size_t errlen);
void sl_net_free(struct sl_net *n);
/* Connects (and for TLS, verifies the collector's chain and name). */
int sl_connect(struct sl_net *n, struct sl_conn *c, uint64_t deadline, char *err, size_t errlen);
/* Writes some of p: > 0 bytes written, 0 nothing before the deadline,
 * -1 the connection broke (err says why). */
ssize_t sl_write(struct sl_conn *c, const char *p, size_t len, uint64_t deadline, char *err,
		 size_t errlen);
/* False when the collector closed the connection (or it broke). */
bool sl_alive(struct sl_conn *c);
void sl_close(struct sl_conn *c);

#endif /* TRACER_OUTPUT_SYSLOG_NET_H */
