/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DMABUFCTL_CMD_SCAN_H
#define DMABUFCTL_CMD_SCAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "dmabuf.h"

/*
 * Scan with --sysroot/--source; on failure print the reasons and return the
 * exit status.  detail: everything every source knows (show); fdinfo: read
 * each buffer's fdinfo even where debugfs or BPF told (the REVOKED column).
 */
int cmd_scan(struct dmabuf_set **set, bool detail, bool fdinfo);
/* EXIT_OK, or EXIT_NOTFOUND (message printed) when -p PID does not exist. */
int cmd_check_pid(pid_t pid);

#endif
