// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format_stdio.c - what fds 0, 1 and 2 were at exec, for the formatters.
 * Every string here comes from the kernel's view of a file name and is
 * escaped like any other traced bytes. */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "output/format_names.h"
#include "output/format_stdio.h"

static const char *const type_names[STDIO_TYPE_MAX] = {
	[STDIO_CLOSED] = "closed", [STDIO_FILE] = "file", [STDIO_PIPE] = "pipe",
	[STDIO_FIFO] = "fifo",	   [STDIO_SOCK] = "socket", [STDIO_TTY] = "tty",
	[STDIO_CHAR] = "char",	   [STDIO_OTHER] = "other",
};

static const char type_letters[STDIO_TYPE_MAX + 1] = "-fpFstco";

static const char *type_name(uint8_t t)
{
	return t < STDIO_TYPE_MAX ? type_names[t] : "other";
}

static bool inet(const struct sock_info *s)
{
	return s->family == AF_INET || s->family == AF_INET6;
}

static void json_sock(struct jsonw *w, const struct stdio_fd *d)
{
	const struct sock_info *s = &d->sock;
	char buf[IP_TEXT_LEN];

	jw_str_cstr(w, "family", af_name(s->family, buf, sizeof(buf)));
	if (s->protocol)
		jw_str_cstr(w, "protocol", ipproto_name(s->protocol, buf, sizeof(buf)));
	if (inet(s)) {
		jw_str_cstr(w, "saddr", ip_text(s->family, s->saddr, buf, sizeof(buf)));
		jw_u64(w, "sport", s->sport);
		jw_str_cstr(w, "daddr", ip_text(s->family, s->daddr, buf, sizeof(buf)));
		jw_u64(w, "dport", s->dport);
		/* a reverse shell connects out; inetd-style services accept */
		jw_str_cstr(w, "direction", d->flags & STDIO_F_ACCEPTED ? "accepted" : "connected");
	}
	if (s->state && s->protocol == IPPROTO_TCP)
		jw_str_cstr(w, "state", tcp_state_name(s->state, buf, sizeof(buf)));
}

static void json_one(struct jsonw *w, int fd, const struct stdio_fd *d)
{
	jw_open(w, NULL, '{');
	jw_u64(w, "fd", fd);
	jw_str_cstr(w, "type", type_name(d->type));
	if (d->type == STDIO_SOCK)
		json_sock(w, d);
	if (d->type == STDIO_PIPE || d->type == STDIO_FIFO || d->type == STDIO_FILE)
		jw_u64(w, "inode", d->ino);
	if (d->type == STDIO_TTY || d->type == STDIO_CHAR) {
		jw_u64(w, "major", d->rdev >> 20);
		jw_u64(w, "minor", d->rdev & 0xfffff);
	}
	if (d->type != STDIO_CLOSED && d->type != STDIO_PIPE && d->type != STDIO_SOCK && d->name[0])
		jw_str(w, "name", d->name, strnlen(d->name, sizeof(d->name)));
	jw_close(w);
}

void stdio_json(struct jsonw *w, const char *key, const struct event_stdio *st)
{
	int i;

	jw_open(w, key, '[');
	for (i = 0; i < 3; i++)
		json_one(w, i, &st->fd[i]);
	jw_close(w);
}

static void put_peer(struct obuf *o, const struct stdio_fd *d)
{
	const struct sock_info *s = &d->sock;
	char buf[IP_TEXT_LEN];

	ob_putc(o, ' ');
	if (!inet(s)) {
		ob_puts(o, af_name(s->family, buf, sizeof(buf)));
		return;
	}
	ob_puts(o, s->protocol == IPPROTO_UDP ? "udp " : "tcp ");
	if (s->family == AF_INET6)
		ob_putc(o, '[');
	ob_puts(o, ip_text(s->family, s->daddr, buf, sizeof(buf)));
	ob_puts(o, s->family == AF_INET6 ? "]:" : ":");
	ob_u64(o, s->dport, 0);
	if (d->flags & STDIO_F_ACCEPTED)
		ob_puts(o, " accepted");
}

void stdio_text(struct obuf *o, const struct event_stdio *st)
{
	const struct stdio_fd *sock = NULL;
	int i;

	for (i = 0; i < 3 && !sock; i++)
		if (st->fd[i].type == STDIO_SOCK)
			sock = &st->fd[i];
	if (!sock)
		return; /* the common case says nothing: lines stay short */
	ob_puts(o, "stdio:");
	for (i = 0; i < 3; i++)
		ob_putc(o, type_letters[st->fd[i].type < STDIO_TYPE_MAX ? st->fd[i].type :
								      STDIO_OTHER]);
	put_peer(o, sock);
}
