// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel text symbols from /proc/kallsyms.  See ksyms.h. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "util.h"

struct ksym {
	uint64_t addr;
	char *name;
};

/* An address already asked for. */
struct resolved {
	uint64_t addr;		/* 0: free slot */
	char *name;		/* NULL: none */
	char *label;		/* name, or "0xADDR" */
};

struct ksyms {
	char *path;		/* /proc/kallsyms, or a test's file */
	struct ksym *syms;	/* text symbols by address */
	size_t nr;
	bool loaded;
	struct resolved *cache;	/* open addressing, a power of two */
	size_t cache_size, cache_used;
};

struct ksyms *ksyms_new_file(const char *path)
{
	struct ksyms *ks = xcalloc(1, sizeof(struct ksyms));

	ks->path = xstrdup(path);
	return ks;
}

struct ksyms *ksyms_new(void)
{
	return ksyms_new_file("/proc/kallsyms");
}

void ksyms_free(struct ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->nr; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	for (i = 0; i < ks->cache_size; i++) {
		if (ks->cache[i].label != ks->cache[i].name)
			free(ks->cache[i].label);
		free(ks->cache[i].name);
	}
	free(ks->cache);
	free(ks->path);
	free(ks);
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * kallsyms is read whole through util.c's bounded reader: a regular file of
 * at most READ_MAX_LARGE bytes (a distribution kernel's, modules included,
 * is about 15 MiB), lines of at most LINE_MAX_BYTES.  Anything else names
 * nothing: callbacks are then shown by address.
 */
static void load(struct ksyms *ks)
{
	bool nonzero = false;
	struct line_iter it;
	char *text, *line;
	ssize_t len;

	ks->loaded = true;
	len = read_file_at(AT_FDCWD, ks->path, READ_MAX_LARGE, &text);
	if (len < 0)
		return;
	line_iter_init(&it, text, (size_t)len, LINE_MAX_BYTES);
	while ((line = line_next(&it))) {
		unsigned long long addr;
		char type, name[256];

		/* "ADDR TYPE NAME[\t[MODULE]]"; longer names are no kernel's. */
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (addr)
			nonzero = true;
		ks->syms = array_reserve(ks->syms, ks->nr, sizeof(*ks->syms));
		ks->syms[ks->nr].addr = addr;
		ks->syms[ks->nr].name = xstrdup(name);
		ks->nr++;
	}
	free(text);
	if (!nonzero) {
		/* kptr_restrict hides addresses: nothing to resolve against. */
		while (ks->nr)
			free(ks->syms[--ks->nr].name);
		return;
	}
	qsort(ks->syms, ks->nr, sizeof(*ks->syms), ksym_cmp);
}

/* The symbol at or below addr, as a new string; NULL if none. */
static char *lookup(struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ks->loaded)
		load(ks);
	if (!ks->nr)
		return NULL;
	hi = ks->nr;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (ks->syms[lo].addr > addr)
		return NULL;
	if (ks->syms[lo].addr == addr)
		return xstrdup(ks->syms[lo].name);
	return xasprintf("%s+0x%llx", ks->syms[lo].name,
			 (unsigned long long)(addr - ks->syms[lo].addr));
}

static size_t slot_of(const struct ksyms *ks, uint64_t addr)
{
	size_t i = (size_t)((addr >> 4) * 0x9e3779b97f4a7c15ull) & (ks->cache_size - 1);

	while (ks->cache[i].addr && ks->cache[i].addr != addr)
		i = (i + 1) & (ks->cache_size - 1);
	return i;
}

static void cache_grow(struct ksyms *ks)
{
	struct resolved *old = ks->cache;
	size_t i, old_size = ks->cache_size;

	ks->cache_size = old_size ? old_size * 2 : 64;
	ks->cache = xcalloc(ks->cache_size, sizeof(*ks->cache));
	for (i = 0; i < old_size; i++)
		if (old[i].addr)
			ks->cache[slot_of(ks, old[i].addr)] = old[i];
	free(old);
}

static const struct resolved *resolve(struct ksyms *ks, uint64_t addr)
{
	struct resolved *r;

	if (2 * (ks->cache_used + 1) > ks->cache_size)
		cache_grow(ks);
	r = &ks->cache[slot_of(ks, addr)];
	if (!r->addr) {
		r->addr = addr;
		r->name = lookup(ks, addr);
		r->label = r->name ? r->name : xasprintf("0x%llx", (unsigned long long)addr);
		ks->cache_used++;
	}
	return r;
}

const char *ksyms_name(struct ksyms *ks, uint64_t addr)
{
	return addr ? resolve(ks, addr)->name : NULL;
}

const char *ksyms_label(struct ksyms *ks, uint64_t addr)
{
	return addr ? resolve(ks, addr)->label : NULL;
}
