/*
 * initramfs-init.c - /init of the test VM's initramfs.
 *
 * Loads the modules in /modules in name order (fetch-kernel numbers them in
 * dependency order), mounts the virtiofs tag given as root= read-only and
 * hands over to the init= program in it, as the kernel itself would do
 * with rootfstype=virtiofs had it no initramfs.  Built static with
 * `cc -static -Os`: the initramfs holds no libc.
 *
 * On any failure it says why on the console and powers off, so the host
 * sees a guest that never ran its command instead of a hang.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NEWROOT "/newroot"

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("vm-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The kernel leaves fds 0-2 closed when the archive has no /dev/console. */
static void open_console(void)
{
	int fd;

	if (fcntl(2, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Copy the value of the first "name=" word of /proc/cmdline before "--". */
static int cmdline_get(const char *name, char *val, size_t len)
{
	static char buf[4096];
	static int loaded;
	size_t nlen = strlen(name);
	char words[sizeof(buf)], *p, *save;

	if (!loaded) {
		int fd = open("/proc/cmdline", O_RDONLY);
		ssize_t n;

		if (fd < 0)
			die("open /proc/cmdline: %s", strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0)
			die("read /proc/cmdline: %s", strerror(errno));
		buf[n] = '\0';
		loaded = 1;
	}
	memcpy(words, buf, sizeof(words));
	for (p = strtok_r(words, " \n", &save); p; p = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(p, "--"))
			break;
		if (!strncmp(p, name, nlen) && p[nlen] == '=') {
			snprintf(val, len, "%s", p + nlen + 1);
			return 0;
		}
	}
	return -1;
}

static int is_module(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && !strcmp(d->d_name + n - 3, ".ko");
}

static void load_modules(void)
{
	struct dirent **list;
	int i, n;

	n = scandir("/modules", &list, is_module, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		char path[512];
		int fd;

		snprintf(path, sizeof(path), "/modules/%s", list[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("open %s: %s", path, strerror(errno));
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			die("finit_module %s: %s", path, strerror(errno));
		close(fd);
		free(list[i]);
	}
	free(list);
}

int main(void)
{
	char tag[256], init[1024], *argv[2], *envp[] = {
		"HOME=/", "TERM=linux",
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		NULL,
	};
	int i;

	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	open_console();
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		die("mount /proc: %s", strerror(errno));
	if (cmdline_get("root", tag, sizeof(tag)))
		die("no root=TAG on the kernel command line");
	if (cmdline_get("init", init, sizeof(init)))
		die("no init=PROGRAM on the kernel command line");

	load_modules();

	/* virtio probing can finish after the modules return: retry 10 s. */
	mkdir(NEWROOT, 0755);
	for (i = 0; mount(tag, NEWROOT, "virtiofs", MS_RDONLY, NULL); i++) {
		if (i == 100)
			die("mount virtiofs %s: %s", tag, strerror(errno));
		msleep(100);
	}

	/* switch_root: the new root brings its own /proc and /dev. */
	umount2("/proc", MNT_DETACH);
	umount2("/dev", MNT_DETACH);
	if (chdir(NEWROOT) || mount(".", "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") || chdir("/"))
		die("switch to %s: %s", NEWROOT, strerror(errno));
	argv[0] = init;
	argv[1] = NULL;
	execve(init, argv, envp);
	die("exec %s: %s", init, strerror(errno));
	return 1;
}
