// SPDX-License-Identifier: GPL-2.0-or-later
/* STUB: being written. */
#include <argp.h>
#include "dmabufctl.h"
#include "util.h"

int cmd_list(int argc, char **argv)
{
	err_msg("list", "not implemented yet", NULL);
	return EXIT_FAIL;
}
