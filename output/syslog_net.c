// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syslog_net.c - the sender's connection: TCP, or TLS through OpenSSL.
 *
 * Sockets are non-blocking and every wait is a poll with a deadline, so a
 * collector that stops reading holds only the sender, and only until the
 * stop deadline. TLS verifies the chain against --syslog-ca (or the
 * system's CAs) and the collector's name or IP address against the
 * certificate: no byte of an event is written before that succeeded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "output/syslog_net.h"

uint64_t sl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Waits for events on fd until the deadline: its revents, 0 on timeout. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	uint64_t now;
	int rc;

	for (;;) {
		now = sl_now();
		if (now >= deadline)
			return 0;
		rc = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
		if (rc > 0)
			return p.revents;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return POLLERR;
	}
}

/* OpenSSL's reason for the last failure, or fallback. */
static void ssl_reason(char *err, size_t errlen, const char *fallback)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, err, errlen);
	else
		snprintf(err, errlen, "%s", fallback);
	ERR_clear_error();
}

static int load_client_cert(SSL_CTX *ctx, const struct syslog_opts *o, char *err, size_t errlen)
{
	char why[256];

	if (!o->cert && !o->key)
		return 0;
	if (!o->cert || !o->key) {
		snprintf(err, errlen, "--syslog-cert and --syslog-key go together");
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1) {
		ssl_reason(why, sizeof(why), "unreadable");
		snprintf(err, errlen, "--syslog-cert %s: %s", o->cert, why);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ssl_reason(why, sizeof(why), "unreadable");
		snprintf(err, errlen, "--syslog-key %s: %s", o->key, why);
		return -1;
	}
	return 0;
}

int sl_net_init(struct sl_net *n, const struct syslog_target *t, const struct syslog_opts *o,
		char *err, size_t errlen)
{
	char why[256];

	memset(n, 0, sizeof(*n));
	n->t = *t;
	if (!t->tls) {
		if (o->ca || o->cert || o->key) {
			snprintf(err, errlen, "--syslog-ca, --syslog-cert and --syslog-key need a tls:// URL");
			return -1;
		}
		return 0;
	}
	n->ctx = SSL_CTX_new(TLS_client_method());
	if (!n->ctx) {
		ssl_reason(err, errlen, "TLS: out of memory");
		return -1;
	}
	SSL_CTX_set_min_proto_version(n->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(n->ctx, SSL_VERIFY_PEER, NULL);
	/* partial writes: what was written is known, so a message cut by a
	 * broken connection is counted, never sent again */
	SSL_CTX_set_mode(n->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o->ca ? SSL_CTX_load_verify_locations(n->ctx, o->ca, NULL) != 1
		  : SSL_CTX_set_default_verify_paths(n->ctx) != 1) {
		ssl_reason(why, sizeof(why), "unreadable");
		snprintf(err, errlen, "--syslog-ca %s: %s", o->ca ? o->ca : "(system)", why);
		return -1;
	}
	return load_client_cert(n->ctx, o, err, errlen);
}

void sl_net_free(struct sl_net *n)
{
	SSL_CTX_free(n->ctx);
	n->ctx = NULL;
}

/* One address: a non-blocking connect finished within the deadline. */
static int connect_one(const struct addrinfo *ai, uint64_t deadline, int *eno)
{
	int fd, soerr = 0, on = 1;
	socklen_t sl = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*eno = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		soerr = errno;
	else if (!wait_fd(fd, POLLOUT, deadline))
		soerr = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
		soerr = errno;
	if (soerr) {
		*eno = soerr;
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)); /* a host that vanished */
	return fd;
}

static int tcp_connect(const struct syslog_target *t, uint64_t deadline, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG}, *res, *ai;
	int rc, fd = -1, eno = ECONNREFUSED;

	/* resolved at every attempt: a relay's address may change */
	rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s: %s", t->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, deadline, &eno);
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "connect: %s", strerror(eno));
	return fd;
}

static bool is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* Why a handshake failed: the certificate check first, it is the likely
 * misconfiguration and the one the user must recognise. */
static void tls_failure(SSL *ssl, int e, const struct syslog_target *t, char *err, size_t errlen)
{
	long v = SSL_get_verify_result(ssl);
	char why[256];

	if (v != X509_V_OK) {
		snprintf(err, errlen, "TLS: certificate verification failed: %s (the collector's "
			 "certificate must be signed by --syslog-ca and name %s); nothing sent",
			 X509_verify_cert_error_string(v), t->host);
		ERR_clear_error();
		return;
	}
	ssl_reason(why, sizeof(why), e == SSL_ERROR_SYSCALL ? "the collector closed the connection"
							     : "handshake failed");
	snprintf(err, errlen, "TLS handshake: %s", why);
}

static int tls_handshake(struct sl_net *n, struct sl_conn *c, uint64_t deadline, char *err,
			 size_t errlen)
{
	int rc, e, ev;

	c->ssl = SSL_new(n->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		ssl_reason(err, errlen, "TLS: out of memory");
		return -1;
	}
	if (is_ip(n->t.host)) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), n->t.host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, n->t.host);
		SSL_set1_host(c->ssl, n->t.host);
	}
	for (;;) {
		ERR_clear_error();
		rc = SSL_connect(c->ssl);
		if (rc == 1)
			return 0;
		e = SSL_get_error(c->ssl, rc);
		ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
		if (!ev) {
			tls_failure(c->ssl, e, &n->t, err, errlen);
			return -1;
		}
		if (!wait_fd(c->fd, ev, deadline)) {
			snprintf(err, errlen, "TLS handshake: timed out");
			return -1;
		}
	}
}

int sl_connect(struct sl_net *n, struct sl_conn *c, uint64_t deadline, char *err, size_t errlen)
{
	c->ssl = NULL;
	c->fd = tcp_connect(&n->t, deadline, err, errlen);
	if (c->fd < 0)
		return -1;
	if (n->ctx && tls_handshake(n, c, deadline, err, errlen)) {
		sl_close(c);
		return -1;
	}
	return 0;
}

static ssize_t tls_write(struct sl_conn *c, const char *p, size_t len, uint64_t deadline,
			 char *err, size_t errlen)
{
	int n, e, ev;

	for (;;) {
		ERR_clear_error();
		n = SSL_write(c->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);
		if (n > 0)
			return n;
		e = SSL_get_error(c->ssl, n);
		ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
		if (!ev) {
			ssl_reason(err, errlen, e == SSL_ERROR_SYSCALL ? strerror(errno) : "TLS error");
			return -1;
		}
		if (!wait_fd(c->fd, ev, deadline))
			return 0;
	}
}

ssize_t sl_write(struct sl_conn *c, const char *p, size_t len, uint64_t deadline, char *err,
		 size_t errlen)
{
	ssize_t n;

	if (c->ssl)
		return tls_write(c, p, len, deadline, err, errlen);
	for (;;) {
		n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			return n;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			snprintf(err, errlen, "send: %s", strerror(errno));
			return -1;
		}
		if (!wait_fd(c->fd, POLLOUT, deadline))
			return 0;
	}
}

/* A collector sends nothing but TLS records (session tickets, alerts):
 * read and drop them; an end of stream means it closed. */
static bool drain_input(struct sl_conn *c)
{
	char buf[4096];
	ssize_t n;
	int e;

	if (!c->ssl) {
		while ((n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			;
		return n < 0 && (errno == EAGAIN || errno == EINTR);
	}
	for (;;) {
		ERR_clear_error();
		n = SSL_read(c->ssl, buf, sizeof(buf));
		if (n > 0)
			continue;
		e = SSL_get_error(c->ssl, n);
		ERR_clear_error();
		return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
	}
}

/* Checked before each batch: data written into a connection the collector
 * already closed would vanish without an error, uncounted. */
bool sl_alive(struct sl_conn *c)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN | POLLRDHUP};

	if (c->fd < 0)
		return false;
	if (poll(&p, 1, 0) <= 0)
		return true;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return false;
	return drain_input(c);
}

void sl_close(struct sl_conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl); /* one try: the close_notify, if it fits */
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
