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
/* A count the kernel prints with "%ld" and that cannot be negative
 * (file_count()): digits only, up to LONG_MAX. */
int parse_count(const char *s, long *out);
/* "5", "2.5", "500ms", "3s", "1m": seconds as a double, > 0. */
int parse_duration(const char *s, double *seconds);

/* "4K", "1.5M" (base 1024, as lsblk); buf must hold 16 bytes. */
const char *size_human(uint64_t bytes, char *buf, size_t len);

/* Path under --sysroot (or "/" without it): returns a malloc'ed string. */
char *sysroot_path(const char *sysroot, const char *path);

/*
 * Readers of kernel files (procfs, debugfs), which may come from a replayed
 * tree: only regular files are read (procfs and debugfs files are regular,
 * of size 0), opened with O_NONBLOCK so that a FIFO in their place cannot
 * block the open, and never more than max bytes: a symlink to /dev/zero or
 * any endless file is refused, not read to the end of memory.
 *
 * read_file_at() returns the length of a malloc'ed, NUL-terminated copy
 * (which may hold other NULs), or -errno; two errors are the reader's own:
 * -EINVAL: not a regular file; -EFBIG: more than max bytes.  EINTR is
 * returned, not retried: a signal we handle without SA_RESTART is a
 * deadline (source_debugfs.c).
 */
#define READ_MAX_SMALL	(64u << 10)	/* fdinfo, sysctls: a few lines */
#define READ_MAX_LARGE	(64u << 20)	/* bufinfo, maps, mountinfo */
int open_regular_at(int dirfd, const char *path);
ssize_t read_file_at(int dirfd, const char *path, size_t max, char **out);
/* read_file_at(AT_FDCWD, path, READ_MAX_SMALL, out). */
ssize_t read_file(const char *path, char **out);
/* Why a read failed, in words: the reader's own errors, else strerror(). */
const char *read_strerror(int err);
/* A comm file (/proc/PID/comm, task/TID/comm): the name without its '\n',
 * malloc'ed; NULL if it cannot be read (the process is gone). */
char *read_comm_at(int dirfd, const char *path);

/*
 * Lines of a text read by read_file_at() (text[len] is '\0'), split in
 * place: each '\n' becomes '\0'.  A line longer than max bytes is skipped
 * whole and counted in skipped, for the caller's warning: no line a kernel
 * prints is that long, so one is a broken or hostile file.
 */
#define LINE_MAX_BYTES	(32u << 10)	/* seq_path() escapes a PATH_MAX path to 16 KiB */
struct line_iter {
	char *pos, *end;
	size_t max;
	size_t skipped;
};
void line_iter_init(struct line_iter *it, char *text, size_t len, size_t max);
/* The next line (NUL-terminated, without its '\n'), or NULL at the end. */
char *line_next(struct line_iter *it);

/*
 * Room for element nr (the nr + 1st) in a malloc'ed array: the array grows
 * by doubling, its capacity implied by nr (a power of two), so that
 * appending n elements costs O(n) copies with any allocator, and the many
 * arrays of one element (a buffer's one holder, its one fd) cost one.
 * Returns the array, maybe moved.
 */
void *array_reserve(void *base, size_t nr, size_t size);

/* qsort()/bsearch() comparison of pid_t values. */
int cmp_pid(const void *a, const void *b);

/*
 * Sorted arrays of distinct elements: find elem in (*base)[0..*nr), sorted
 * by cmp, or insert it in order.  The array grows by doubling *alloc (or,
 * when alloc is NULL, as array_reserve() does).  Returns the element's slot; *added says
 * whether it was inserted (its slot then holds a copy of elem).
 */
void *sorted_insert(void *base, size_t *nr, size_t *alloc, size_t size, const void *elem,
		    int (*cmp)(const void *, const void *), bool *added);

/*
 * A bucket in a table of nr (a power of two) for an integer key: Fibonacci
 * hashing, the top bits of key * 2^64 / phi.  Its low bits would spread
 * sequential keys (inode numbers, cgroup ids) over a fraction of the table.
 */
static inline size_t hash_u64(uint64_t key, size_t nr)
{
	return nr > 1 ? (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - __builtin_ctzll(nr))) : 0;
}

/* Byte sums that saturate at UINT64_MAX instead of wrapping; *saturated is
 * set (never cleared) when one does. */
static inline uint64_t add_sat_u64(uint64_t a, uint64_t b, bool *saturated)
{
	uint64_t sum;

	if (__builtin_add_overflow(a, b, &sum)) {
		if (saturated)
			*saturated = true;
		return UINT64_MAX;
	}
	return sum;
}

/* Whether a second thread can run beside this one: more than one CPU is
 * ours (sched_getaffinity(), as cgroup cpusets and taskset set it). */
bool threads_useful(void);

/* Whether a kernel release ("7.2.13+deb14-amd64") is before maj.min; false
 * when it cannot tell. */
bool release_before(const char *release, int maj, int min);

/*
 * DMABUFCTL_DEBUG: "dmabufctl: debug: WHAT: STEP: N ms" since *since, which
 * becomes now (CLOCK_MONOTONIC ns).  Where a run spends its time, step by
 * step, without a profiler.
 */
void debug_step(const char *what, const char *step, uint64_t *since);

/* Out of memory: say so and exit 1 (what the x*() allocators do). */
void xoom(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
