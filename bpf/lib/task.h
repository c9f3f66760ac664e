/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* task.h - read a task's identity: namespaces, credentials, cgroup, pids. */
#ifndef TRACER_BPF_TASK_H
#define TRACER_BPF_TASK_H

#include "bpf/lib/common.h"

/* The task's pid namespace is the one its struct pid was allocated in:
 * numbers[level].ns (nsproxy->pid_ns_for_children is for its children). */
static __always_inline struct upid task_upid(struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
	return up;
}

static __always_inline void task_ns(struct task_struct *t, __u32 ns[NS_COUNT])
{
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);

	ns[NS_PID] = BPF_CORE_READ(task_upid(t).ns, ns.inum);
	ns[NS_USER] = BPF_CORE_READ(t, cred, user_ns, ns.inum);
	if (!nsp) /* a zombie: its namespaces are gone */
		return;
	ns[NS_UTS] = BPF_CORE_READ(nsp, uts_ns, ns.inum);
	ns[NS_IPC] = BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	ns[NS_MNT] = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	ns[NS_PID_FOR_CHILDREN] = BPF_CORE_READ(nsp, pid_ns_for_children, ns.inum);
	ns[NS_NET] = BPF_CORE_READ(nsp, net_ns, ns.inum);
	ns[NS_CGROUP] = BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	if (bpf_core_field_exists(nsp->time_ns)) {
		ns[NS_TIME] = BPF_CORE_READ(nsp, time_ns, ns.inum);
		ns[NS_TIME_FOR_CHILDREN] = BPF_CORE_READ(nsp, time_ns_for_children, ns.inum);
	}
}

static __always_inline void task_creds(struct task_struct *t, struct event_creds *c)
{
	const struct cred *cr = BPF_CORE_READ(t, cred);

	c->uid = BPF_CORE_READ(cr, uid.val);
	c->euid = BPF_CORE_READ(cr, euid.val);
	c->suid = BPF_CORE_READ(cr, suid.val);
	c->fsuid = BPF_CORE_READ(cr, fsuid.val);
	c->gid = BPF_CORE_READ(cr, gid.val);
	c->egid = BPF_CORE_READ(cr, egid.val);
	c->sgid = BPF_CORE_READ(cr, sgid.val);
	c->fsgid = BPF_CORE_READ(cr, fsgid.val);
	c->securebits = BPF_CORE_READ(cr, securebits);
	bpf_probe_read_kernel(&c->cap_permitted, 8, &cr->cap_permitted);
	bpf_probe_read_kernel(&c->cap_effective, 8, &cr->cap_effective);
	bpf_probe_read_kernel(&c->cap_inheritable, 8, &cr->cap_inheritable);
	c->auid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid))
		c->auid = BPF_CORE_READ(t, loginuid.val);
}

/* cgroup v2 leaf id of the task (its default hierarchy cgroup). */
static __always_inline __u64 task_cgroup_id(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

/* Fills the identity part of a process record. */
static __always_inline void task_identity(struct task_struct *t, struct event_proc *e)
{
	e->pid = BPF_CORE_READ(t, tgid);
	e->tid = BPF_CORE_READ(t, pid);
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->nspid = task_upid(t).nr;
	e->cgroup_id = task_cgroup_id(t);
	task_creds(t, &e->creds);
	task_ns(t, e->ns);
}

#endif /* TRACER_BPF_TASK_H */
