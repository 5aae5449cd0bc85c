/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clocks, in nanoseconds.  CLOCK_MONOTONIC is bpf_ktime_get_ns()'s clock. */
#ifndef DMABUFCTL_CLOCK_H
#define DMABUFCTL_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* For intervals and deadlines. */
static inline uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Since the epoch, for what is printed. */
static inline uint64_t wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

#endif
