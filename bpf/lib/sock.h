/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sock.h - read a socket's tuple (family, type, protocol, addresses, ports,
 * state) from a struct sock, a socket fd, or a user sockaddr. */
#ifndef TRACER_BPF_SOCK_H
#define TRACER_BPF_SOCK_H

#include "bpf/lib/common.h"

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

/* Addresses and ports as the kernel keeps them, before any NAT. */
static __always_inline void sock_read(struct sock *sk, struct sock_info *si)
{
	__builtin_memset(si, 0, sizeof(*si));
	if (!sk)
		return;
	si->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	si->type = BPF_CORE_READ(sk, sk_type);
	si->protocol = BPF_CORE_READ(sk, sk_protocol);
	si->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	si->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* explicit sizes: BPF_CORE_READ_INTO would copy sizeof(u8) */
	if (si->family == AF_INET) {
		bpf_core_read(si->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(si->daddr, 4, &sk->__sk_common.skc_daddr);
	} else if (si->family == AF_INET6) {
		bpf_core_read(si->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(si->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* The socket's cookie as SO_COOKIE and ss -e show it. The kernel assigns
 * one the first time anybody asks (getsockopt, sock_diag, a BPF program):
 * 0 means nobody has yet. */
static __always_inline __u64 sock_cookie(struct sock *sk)
{
	if (!sk || !bpf_core_field_exists(sk->__sk_common.skc_cookie))
		return 0;
	return BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
}

/* A struct sockaddr (connect/bind argument) in user or kernel memory:
 * family, port, address go to the destination side. */
static __always_inline void sockaddr_read(const void *uaddr, struct sock_info *si, bool user)
{
	struct {
		__u16 family;
		__u16 port;
		__u32 flowinfo_or_addr;
		__u8 addr6[16];
	} sa = {};

	__builtin_memset(si, 0, sizeof(*si));
	if (user ? bpf_probe_read_user(&sa, sizeof(sa), uaddr) :
		   bpf_probe_read_kernel(&sa, sizeof(sa), uaddr))
		return;
	si->family = sa.family;
	si->dport = __builtin_bswap16(sa.port);
	if (sa.family == AF_INET)
		__builtin_memcpy(si->daddr, &sa.flowinfo_or_addr, 4);
	else if (sa.family == AF_INET6)
		__builtin_memcpy(si->daddr, sa.addr6, 16);
}

#endif /* TRACER_BPF_SOCK_H */
