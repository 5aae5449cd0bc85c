/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UTF-8 for output formats that require it (JSON, Prometheus labels). */
#ifndef DMABUFCTL_UTF8_H
#define DMABUFCTL_UTF8_H

/* s with each byte that is not part of valid UTF-8 (RFC 3629) replaced by
 * U+FFFD, malloc'ed; NULL when s is valid as it is. */
char *utf8_clean(const char *s);

#endif
