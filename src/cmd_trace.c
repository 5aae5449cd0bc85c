// SPDX-License-Identifier: GPL-2.0-or-later
/* STUB: being written. */
#include <argp.h>
#include "dmabufctl.h"
#include "util.h"

int cmd_trace(int argc, char **argv)
{
	err_msg("trace", "not implemented yet", NULL);
	return EXIT_FAIL;
}
