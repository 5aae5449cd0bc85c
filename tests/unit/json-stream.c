// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-stream: list -J's stream of buffers (out_json_stream_*(), written
 * straight) against json-c's text of the same document ({"dmabufs": [...]}
 * of out_json_dmabuf() trees), byte for byte.  The buffers are made from a
 * seed: sizes and refcounts known or not, names and comms that are NULL,
 * empty, need escaping or are not UTF-8, attachments, holders with and
 * without fds, GEM handles, VFIO's device and ranges.
 *
 *	json-stream stream|tree SEED [COUNT]
 *
 * prints the document one way; the caller compares the two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dmabuf.h"
#include "output.h"

/* output.c's option parser reports usage errors through cli.c: not used here. */
void cli_usage(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

static uint64_t state;

static unsigned int rnd(unsigned int n)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(state >> 33) % n;
}

/* Strings of every kind list -J prints; NULL among them. */
static const char *const strs[] = {
	NULL, "", "udmabuf", "system", "frame buffer \xe2\x9c\x93", "a\"quote", "back\\slash",
	"new\nline\ttab", "ctl\x01\x1f", "bad \xff\xfe utf8", "slash/name", "del\x7f",
	"/sys/fs/cgroup/user.slice", "0000:01:00.0", "vgem",
};

static const char *str(void)
{
	return strs[rnd(sizeof(strs) / sizeof(strs[0]))];
}

static void make_buf(struct dmabuf_set *set, uint64_t inode)
{
	struct dmabuf *buf = dmabuf_get(set, inode, DMABUF_SRC_BPF);
	unsigned int i, j, n;

	if (rnd(4))
		dmabuf_set_size(buf, DMABUF_SRC_BPF, (uint64_t)rnd(1u << 30) << rnd(20));
	if (rnd(4))
		dmabuf_set_exporter(buf, DMABUF_SRC_BPF, str());
	if (rnd(3))
		dmabuf_set_name(buf, DMABUF_SRC_BPF, str());
	if (rnd(4))
		dmabuf_set_refcount(buf, DMABUF_SRC_BPF, (long)rnd(100));
	if (rnd(3)) {
		n = rnd(4);
		dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
		for (i = 0; i < n; i++)
			dmabuf_add_attachment(buf, DMABUF_SRC_BPF, strs[2 + rnd(13)], str(),
					      (int)rnd(3) - 1);
	}
	n = rnd(5);
	for (i = 0; i < n; i++) {
		struct dmabuf_holder *h = dmabuf_holder(buf, (pid_t)(1 + rnd(100000)), str());
		unsigned int fds = rnd(4), maps = rnd(3), gems = rnd(3);

		for (j = 0; j < fds; j++)
			dmabuf_holder_add_fd(h, (int)rnd(1u << 20));
		for (j = 0; j < maps; j++) {
			struct dmabuf_mapping m = { .start = 0x7f0000000000ULL + j * 4096,
						    .end = 0x7f0000001000ULL + j * 4096,
						    .perms = "rw-s" };

			dmabuf_holder_add_map(h, &m);
		}
		for (j = 0; j < gems; j++) {
			struct dmabuf_gem g = { .device = (char *)str(), .driver = (char *)str(),
						.node = (char *)"renderD128", .fd = (int)rnd(64),
						.handle = rnd(1u << 31), .file = rnd(3) };

			dmabuf_holder_add_gem(h, &g);
		}
		h->cgroup = dmabuf_set_intern(set, str());
	}
	if (!rnd(5)) {
		dmabuf_set_device(buf, DMABUF_SRC_BPF, strs[13 + rnd(2)], (int)rnd(7) - 1,
				  (int)rnd(3) - 1);
		n = rnd(4);
		for (i = 0; i < n; i++)
			dmabuf_add_range(buf, DMABUF_SRC_BPF, (uint64_t)i << 20, 4096u << rnd(8));
	}
}

int main(int argc, char **argv)
{
	struct dmabuf_set *set = dmabuf_set_new();
	size_t i, count;
	int ret;

	if (argc < 3 || (strcmp(argv[1], "stream") && strcmp(argv[1], "tree"))) {
		fprintf(stderr, "usage: json-stream stream|tree SEED [COUNT]\n");
		return 64;
	}
	state = strtoull(argv[2], NULL, 0);
	count = argc > 3 ? strtoul(argv[3], NULL, 0) : 1000;
	set->gem_known = rnd(2);
	for (i = 0; i < count; i++)
		make_buf(set, 1 + i * (1 + rnd(3)));
	dmabuf_set_finish(set);
	if (!strcmp(argv[1], "stream")) {
		struct out_json_stream js;

		out_json_stream_begin(&js, "dmabufs");
		out_json_stream_dmabufs(&js, (const struct dmabuf *const *)set->bufs,
					set->nr_bufs);
		ret = out_json_stream_end(&js, json_object_new_object());
	} else {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		for (i = 0; i < set->nr_bufs; i++)
			json_object_array_add(arr, out_json_dmabuf(set->bufs[i], false));
		json_object_object_add(root, "dmabufs", arr);
		ret = out_json_print(root);
	}
	dmabuf_set_free(set);
	return ret ? 1 : 0;
}
