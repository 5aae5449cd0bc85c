// SPDX-License-Identifier: GPL-2.0-or-later
/* UTF-8 validation: names are user-set bytes, output formats want text. */
#include <stdint.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* Length of the valid UTF-8 sequence at s, 0 if invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *utf8_clean(const char *s)
{
	const unsigned char *p;
	char *clean, *q;
	size_t n;

	for (p = (const unsigned char *)s; *p; p += n)
		if (!(n = utf8_seq(p)))
			break;
	if (!*p)
		return NULL;

	q = clean = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p; p += n) {
		n = utf8_seq(p);
		if (n) {
			memcpy(q, p, n);
			q += n;
		} else {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			n = 1;
		}
	}
	*q = '\0';
	return clean;
}
