// SPDX-License-Identifier: GPL-2.0-or-later
/* The pins' directory in bpffs.  See bpf_pins.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "bpf_pins.h"

#define BPF_FS_MAGIC	0xcafe4a11	/* include/uapi/linux/magic.h */

bool pins_private(const struct stat *st, mode_t type)
{
	return (st->st_mode & S_IFMT) == type && st->st_uid == 0 && !(st->st_mode & 077);
}

int pins_root(bool create, char *why, size_t len)
{
	struct statfs sfs;
	struct stat st;
	int fd;

	if (statfs("/sys/fs/bpf", &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		snprintf(why, len, "no bpffs mounted on /sys/fs/bpf");
		return -ENOENT;
	}
	fd = open(BPF_PINS_ROOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdir(BPF_PINS_ROOT, 0700) && errno != EEXIST) {
			int e = errno;

			snprintf(why, len, "cannot create %s: %s", BPF_PINS_ROOT, strerror(e));
			return -e;
		}
		fd = open(BPF_PINS_ROOT, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		int e = errno;

		snprintf(why, len, "%s: %s", BPF_PINS_ROOT, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) || !pins_private(&st, S_IFDIR)) {
		snprintf(why, len, "%s is not private (mode 0700, owned by root): not used",
			 BPF_PINS_ROOT);
		close(fd);
		return -EPERM;
	}
	return fd;
}

int pins_remove(int dirfd, const char *name, size_t *nr)
{
	struct dirent *de;
	int fd, ret = 0;
	DIR *d;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(fd, de->d_name, 0))
			ret = -errno;
		else if (nr)
			(*nr)++;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) && !ret)
		ret = -errno;
	return ret;
}

/* bpffs refuses dots in names: "new-PID" is a run's unfinished set. */
void pins_remove_stale(int rootfd, const char *keep)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = dup(rootfd);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		int pid;

		if (de->d_name[0] == '.')
			continue;
		if (sscanf(de->d_name, "new-%d", &pid) == 1) {
			if (kill(pid, 0) && errno == ESRCH)
				pins_remove(rootfd, de->d_name, NULL);
			continue;
		}
		if (strcmp(de->d_name, keep))
			pins_remove(rootfd, de->d_name, NULL);
	}
	closedir(d);
}

int pins_unpin(size_t *nr, const char **what)
{
	struct dirent *de;
	int rootfd, fd, ret = 0;
	char why[256];
	DIR *d;

	*nr = 0;
	*what = BPF_PINS_ROOT;
	if (geteuid() != 0)
		return -EPERM;
	rootfd = pins_root(false, why, sizeof(why));
	if (rootfd == -ENOENT)
		return 0;	/* nothing pinned, or no bpffs */
	if (rootfd < 0)
		return rootfd;
	fd = dup(rootfd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		close(rootfd);
		return ret;
	}
	while ((de = readdir(d))) {
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = pins_remove(rootfd, de->d_name, nr);
		if (r && !ret)
			ret = r;
	}
	closedir(d);
	close(rootfd);
	if (!ret && rmdir(BPF_PINS_ROOT))
		ret = -errno;
	return ret;
}
