// SPDX-License-Identifier: GPL-2.0-or-later
/* revoke --verify on top of the trace loader; a refusal without BPF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmabufctl.h"
#include "revoke_verify.h"

#ifdef HAVE_BPF

struct tracer *revoke_verify_start(uint64_t inode, double timeout, struct tracer_err *err)
{
	struct tracer_opts opts = { .inode = inode, .timeout = timeout };
	struct tracer *t = NULL;

	if (tracer_open(&t, &opts, err))
		return NULL;
	return t;
}

int revoke_verify_wait(struct tracer *t, uint64_t inode, struct tracer_confirm **out,
		       size_t *nr)
{
	return tracer_wait_confirms(t, inode, out, nr);
}

double revoke_verify_load_ms(const struct tracer *t)
{
	return tracer_load_ms(t);
}

void revoke_verify_stop(struct tracer *t)
{
	tracer_close(t);
}

void revoke_confirms_free(struct tracer_confirm *c, size_t nr)
{
	if (c)
		tracer_confirms_free(c, nr);
}

#else

struct tracer *revoke_verify_start(uint64_t inode, double timeout, struct tracer_err *err)
{
	err->exit = EXIT_UNSUPPORTED;
	snprintf(err->what, sizeof(err->what), "verify");
	snprintf(err->why, sizeof(err->why), "dmabufctl was built without BPF");
	snprintf(err->hint, sizeof(err->hint), "rebuild with --enable-bpf, or revoke without --verify");
	return NULL;
}

int revoke_verify_wait(struct tracer *t, uint64_t inode, struct tracer_confirm **out,
		       size_t *nr)
{
	*out = NULL;
	*nr = 0;
	return -EOPNOTSUPP;
}

double revoke_verify_load_ms(const struct tracer *t)
{
	return -1;
}

void revoke_verify_stop(struct tracer *t)
{
}

void revoke_confirms_free(struct tracer_confirm *c, size_t nr)
{
	free(c);
}

#endif
