// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: /proc/PID/fdinfo/N text (parse_fdinfo.c), then into the model
 * as the procfs source puts it (a buffer, a holder, its fd).
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmabuf_set *set = dmabuf_set_new();
	char *text = fuzz_text(data, size);
	struct dmabuf *buf;
	struct fdinfo fi;

	parse_fdinfo(text, size, &fi);
	if (strlen(fi.name) > DMABUF_NAME_MAX)
		abort();
	if (fi.exp_name && (fi.exp_name < text || fi.exp_name > text + size))
		abort();
	/* As the procfs source takes it (source_procfs.c resolve_fd()). */
	if (fi.has_ino && fi.has_size && fi.exp_name) {
		buf = fdinfo_to_model(set, &fi);
		dmabuf_holder_add_fd(dmabuf_holder(buf, 1, "fuzz"), (int)(size & 0xffff));
	}
	fuzz_model(set);
	free(text);
	dmabuf_set_free(set);
	return 0;
}
