# tests/vm/common.sh - helpers shared by tests/vm/fetch and tests/vm/run (sourced, not run).
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)

VM_DIR=$(cd "$(dirname "$0")" && pwd)
VM_CACHE=${TRACER_VM_CACHE:-/var/tmp/tracer-vm}
VM_KERNELS="5.10 6.1 6.12"

# die MESSAGE: one line on stderr, exit 1.
die() {
	echo "$PROG: $*" >&2
	exit 1
}

# check_kernel NAME: refuse anything but the kernels we know.
check_kernel() {
	case $1 in
	5.10 | 6.1 | 6.12) ;;
	*) die "unknown kernel \"$1\" (use 5.10, 6.1 or 6.12)" ;;
	esac
}

# kernel_ready NAME: the kernel is unpacked and its initramfs is newer than
# the scripts it is made of.
kernel_ready() {
	d=$VM_CACHE/$1
	[ -s "$d/vmlinuz" ] && [ -s "$d/initrd.img" ] &&
		[ ! "$VM_DIR/init" -nt "$d/initrd.img" ] &&
		[ ! "$VM_DIR/fetch" -nt "$d/initrd.img" ]
}
