/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared bits of the test helpers: the line protocol (README.md) and
 * error reporting that names the failing call and the errno.
 */
#ifndef DMABUFCTL_TEST_HELPER_H
#define DMABUFCTL_TEST_HELPER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EX_USAGE_ERR	64	/* bad arguments */
#define EX_SYSCALL_ERR	1	/* a system call failed during setup */
#define EX_UNSUPPORTED	3	/* the kernel lacks what this helper needs */

extern const char *prog;

const char *errname(int err);

/* "PROG: CALL: ENAME (message)" on stderr, then exit(status). */
void die_errno(int status, int err, const char *call) __attribute__((noreturn));
/* "PROG: MESSAGE" on stderr, then exit(status); usage_error exits 64. */
void die_msg(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* Answers to stdin commands; always one line, flushed. */
void reply_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void reply_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "ready" line; switches stdout to line buffering first. */
void say_ready(void);

/* SIZE with optional K, M or G (binary) suffix. */
int parse_size(const char *s, uint64_t *out);
int parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Writes NAME with space, '=', '\' and non-printable bytes as \xHH. */
void escape_value(char *out, size_t outlen, const char *in);

/*
 * Reads one command line from stdin into buf, splitting it at the first
 * space: returns the command and sets *arg (NULL or "" when none).
 * Returns NULL on EOF.
 */
char *read_command(char *buf, size_t len, char **arg);

/*
 * The commands all importer helpers share, for the dma-buf fd *fd (-1 once
 * closed): "fd" (its number and our pid) and "close" (closes it; the
 * importer keeps its own reference).  Anything else is an unknown command.
 */
void reply_fd_command(const char *cmd, int *fd);

/* Reads the "exp_name:" line of /proc/self/fdinfo/FD into out. */
int fdinfo_exporter(int fd, char *out, size_t len);

#endif
