/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error reporting, input validation and formatting shared by all commands. */
#ifndef DMABUFCTL_UTIL_H
#define DMABUFCTL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * One line on stderr: "dmabufctl: <object>: <what>: <reason>".
 * err_errno() takes the reason from an errno value.
 */
void err_msg(const char *object, const char *what, const char *reason);
void err_errno(const char *object, const char *what, int errnum);
/* A second line, "dmabufctl: hint: ...", when the fix is known. */
void err_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strict decimal parsing: digits only, no sign, no overflow.  0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t *out);
int parse_pid(const char *s, pid_t *out);
int parse_int(const char *s, int min, int max, int *out);
/* "5", "2.5", "500ms", "3s", "1m": seconds as a double, > 0. */
int parse_duration(const char *s, double *seconds);

/* "4K", "1.5M" (base 1024, as lsblk); buf must hold 16 bytes. */
const char *size_human(uint64_t bytes, char *buf, size_t len);

/* Path under --sysroot (or "/" without it): returns a malloc'ed string. */
char *sysroot_path(const char *sysroot, const char *path);

/* Read a whole small file (procfs, debugfs) into a malloc'ed NUL-terminated
 * buffer.  Returns length or -errno. */
ssize_t read_file(const char *path, char **out);

/* The same from an open fd, up to end of file; the fd stays open. */
ssize_t read_fd_all(int fd, char **out);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
