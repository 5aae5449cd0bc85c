// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabuf-vfio - the resource manager of the revoke RFC's use case: it owns
 * a PCI device through vfio-pci, exports ranges of its BARs as dma-bufs
 * (VFIO_DEVICE_FEATURE_DMA_BUF, Linux 6.19), hands them to a client
 * process over a Unix socket, imports them into an iommufd IOAS
 * (IOMMU_IOAS_MAP_FILE: iommufd is VFIO's dynamic importer), and on
 * command disables memory decoding, resets or closes the device: the
 * three ways VFIO revokes its buffers itself.  Protocol: README.md.
 */
#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "helper.h"
#include "ioas.h"
#include "scm.h"
#include "vfio-uapi.h"

const char *prog = "dmabuf-vfio";

#define MAX_BUFS	64
#define MAX_RANGES	16
#define NAME_LEN	32	/* DMA_BUF_NAME_LEN, with the NUL */
#define MSG_LEN		512
#define LINE_LEN	2048	/* a report line */
#define PCI_SYSFS	"/sys/bus/pci/devices"

/* A mapping of a buffer in the process that holds it. */
struct hmap {
	void *addr;
	size_t len;
};

struct vbuf {
	unsigned long ino;
	uint64_t size;
	unsigned int bar;
	unsigned int nranges;
	struct vfio_region_dma_range ranges[MAX_RANGES];
	char name[NAME_LEN];
	char exporter[64];
	bool client;		/* held by the client, not by us */
	bool import;		/* the spec asked for an IOAS import */
	int fd;			/* in its holder; -1 once closed there */
	uint64_t iova;		/* IOAS_NO_AREA when not imported */
	struct hmap map;	/* ours, when we hold it */
};

static struct vbuf bufs[MAX_BUFS];
static unsigned int nbufs;

static struct {
	char bdf[32];
	unsigned int vendor, device;
	char group[16];		/* IOMMU group number */
	bool cdev;		/* opened through /dev/vfio/devices */
	int container, group_fd, fd;
	uint64_t cfg_offset;	/* of the config region in fd */
} dev = { .container = -1, .group_fd = -1, .fd = -1 };

static struct ioas io = { .fd = -1 };

static struct {
	pid_t pid;
	int ctl;		/* SOCK_SEQPACKET; -1 once gone */
} client = { .pid = -1, .ctl = -1 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--cdev] DEVICE [SPEC...]\n"
		"  Binds DEVICE (a PCI address, or VENDOR:DEVICE in hex: the\n"
		"  first such device) to vfio-pci, opens it (group and type1\n"
		"  container; --cdev: /dev/vfio/devices and iommufd) and exports\n"
		"  one dma-buf per SPEC:\n"
		"    SPEC  := BAR[:RANGE[+RANGE]...][,MOD]...\n"
		"    RANGE := LENGTH@OFFSET      (K/M/G suffixes; default: the BAR)\n"
		"    MOD   := client | import | name=NAME\n"
		"  Prints a device line and a line per buffer, 'ready'; then reads\n"
		"  commands: list, export SPEC, import/unimport/mapped/revoke/\n"
		"  mmap/touch/unmap/close INODE, decode on|off, reset,\n"
		"  close-device, quit.  Exit 3: no vfio-pci, IOMMU group, device\n"
		"  or dma-buf export.  See tests/helpers/README.md.\n", prog);
}

/* Exit 3, "PROG: WHAT: ENAME: WHY" (no ENAME when err is 0). */
static void __attribute__((noreturn))
unsupported(int err, const char *what, const char *why)
{
	if (err)
		die_msg(EX_UNSUPPORTED, "%s: %s: %s", what, errname(err), why);
	die_msg(EX_UNSUPPORTED, "%s: %s", what, why);
}

/* "ok[ FMT]" or "err ENAME FMT" into out: one protocol answer. */
static void __attribute__((format(printf, 4, 5)))
answer(char *out, size_t len, int err, const char *fmt, ...)
{
	va_list ap;
	int o;

	if (err)
		o = snprintf(out, len, "err %s ", errname(err));
	else
		o = snprintf(out, len, fmt && *fmt ? "ok " : "ok");
	if (o < 0 || (size_t)o >= len || !fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(out + o, len - o, fmt, ap);
	va_end(ap);
}

static void say(const char *line)
{
	puts(line);
	fflush(stdout);
}

/* ---- what a holder does with its fd (here or in the client) ----------- */

static sigjmp_buf touch_jmp;
static volatile sig_atomic_t touch_sig;

static void on_fault(int sig)
{
	touch_sig = sig;
	siglongjmp(touch_jmp, 1);
}

/* Reads one byte of every page of m; a fault is answered, not fatal. */
static void touch(const struct hmap *m, char *out, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile size_t pages = 0;
	struct sigaction sa = { .sa_handler = on_fault };
	struct sigaction old_bus, old_segv;

	if (!m->addr) {
		answer(out, len, ENXIO, "not mapped here");
		return;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (sigsetjmp(touch_jmp, 1)) {
		snprintf(out, len, "err %s offset=%zu pages=%zu",
			 touch_sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
			 (size_t)pages * page, (size_t)pages);
	} else {
		for (size_t off = 0; off < m->len; off += page) {
			(void)*(volatile unsigned char *)((char *)m->addr + off);
			pages++;
		}
		answer(out, len, 0, "pages=%zu", (size_t)pages);
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
}

/* revoke, mmap, touch, unmap, close: on fd *fd of SIZE bytes, mapping m. */
static void holder_op(const char *op, int *fd, uint64_t size, struct hmap *m,
		      char *out, size_t len)
{
	if (!strcmp(op, "touch")) {
		touch(m, out, len);
	} else if (!strcmp(op, "unmap")) {
		if (!m->addr) {
			answer(out, len, ENXIO, "not mapped here");
			return;
		}
		munmap(m->addr, m->len);
		m->addr = NULL;
		answer(out, len, 0, NULL);
	} else if (*fd < 0) {
		answer(out, len, EBADF, "dma-buf fd closed");
	} else if (!strcmp(op, "revoke")) {
		if (ioctl(*fd, DMA_BUF_IOCTL_REVOKE) < 0)
			answer(out, len, errno, "DMA_BUF_IOCTL_REVOKE: %s", strerror(errno));
		else
			answer(out, len, 0, NULL);
	} else if (!strcmp(op, "mmap")) {
		void *p;

		if (m->addr) {
			answer(out, len, EEXIST, "mapped already");
			return;
		}
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
		if (p == MAP_FAILED) {
			answer(out, len, errno, "mmap: %s", strerror(errno));
			return;
		}
		m->addr = p;
		m->len = size;
		answer(out, len, 0, "addr=%p", p);
	} else if (!strcmp(op, "close")) {
		close(*fd);
		*fd = -1;
		answer(out, len, 0, NULL);
	} else {
		answer(out, len, EINVAL, "unknown holder operation '%s'", op);
	}
}

/* ---- the client --------------------------------------------------------- */

/*
 * The client's whole life: it holds what it is sent and runs holder
 * operations on request.  Messages: "take" with fds attached (answer "ok
 * fds=A,B"), "OP SLOT FD SIZE" for holder_op, "give FD" (answer carries a
 * duplicate of FD), "quit".
 */
static void __attribute__((noreturn)) client_main(int ctl)
{
	static struct hmap maps[MAX_BUFS];
	char msg[MSG_LEN], out[MSG_LEN];
	int devnull;

	prctl(PR_SET_NAME, "vfio-client");
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		close(devnull);
	}
	close_all_but(&ctl, 1);
	for (;;) {
		int got[SCM_MAX_FDS], ngot = 0, fd, give = -1;
		unsigned int slot;
		unsigned long long size;
		char op[16];
		ssize_t n = scm_recv(ctl, msg, sizeof(msg), got, &ngot);

		if (n <= 0 || !strcmp(msg, "quit"))
			_exit(0);
		if (!strcmp(msg, "take")) {
			int o = snprintf(out, sizeof(out), "ok fds=");

			for (int i = 0; i < ngot && o < (int)sizeof(out); i++)
				o += snprintf(out + o, sizeof(out) - o, "%s%d",
					      i ? "," : "", got[i]);
		} else if (sscanf(msg, "give %d", &fd) == 1) {
			give = fcntl(fd, F_DUPFD_CLOEXEC, 3);
			if (give < 0)
				answer(out, sizeof(out), errno, "dup: %s", strerror(errno));
			else
				answer(out, sizeof(out), 0, NULL);
		} else if (sscanf(msg, "%15s %u %d %llu", op, &slot, &fd, &size) == 4 &&
			   slot < MAX_BUFS) {
			holder_op(op, &fd, size, &maps[slot], out, sizeof(out));
		} else {
			answer(out, sizeof(out), EINVAL, "client: bad message '%s'", msg);
		}
		for (int i = 0; i < ngot && strcmp(msg, "take"); i++)
			close(got[i]);
		if (scm_send(ctl, out, give >= 0 ? &give : NULL, give >= 0) < 0)
			_exit(0);
		if (give >= 0)
			close(give);
	}
}

static void spawn_client(void)
{
	pid_t parent = getpid();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "socketpair");
	fflush(stdout);
	client.pid = fork();
	if (client.pid < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fork");
	if (client.pid == 0) {
		/* never outlive the resource manager, even if it is SIGKILLed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(sv[0]);
		client_main(sv[1]);
	}
	close(sv[1]);
	client.ctl = sv[0];
}

/* One request to the client; its answer line into out, a passed fd into *fd. */
static int client_call(const char *msg, const int *fds, int nfds, char *out,
		       size_t len, int *fd)
{
	int got[SCM_MAX_FDS], ngot = 0, err;
	ssize_t n;

	if (client.ctl < 0)
		return -ESRCH;
	err = scm_send(client.ctl, msg, fds, nfds);
	if (err)
		return err;
	n = scm_recv(client.ctl, out, len, got, &ngot);
	if (n < 0)
		return n;
	if (n == 0)
		return -ESRCH;
	for (int i = 0; i < ngot; i++) {
		if (fd && i == 0)
			*fd = got[0];
		else
			close(got[i]);
	}
	return 0;
}

/* Runs holder operation OP on buffer b in whichever process holds it. */
static void buf_op(struct vbuf *b, const char *op, char *out, size_t len)
{
	char msg[MSG_LEN];
	int err;

	if (!b->client) {
		holder_op(op, &b->fd, b->size, &b->map, out, len);
		return;
	}
	snprintf(msg, sizeof(msg), "%s %u %d %llu", op, (unsigned int)(b - bufs),
		 b->fd, (unsigned long long)b->size);
	err = client_call(msg, NULL, 0, out, len, NULL);
	if (err)
		answer(out, len, -err, "client: %s", strerror(-err));
	else if (!strcmp(op, "close") && !strncmp(out, "ok", 2))
		b->fd = -1;
}

/* ---- the device --------------------------------------------------------- */

static int read_sysfs(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die_errno(EX_SYSCALL_ERR, errno, path);
	close(fd);
}

/* src into out, cut to fit. */
static void copy_str(char *out, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(out, src, n);
	out[n] = '\0';
}

/* The last component of the symlink PATH into out ("" when none). */
static void link_name(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	out[0] = '\0';
	if (n < 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	copy_str(out, len, base ? base + 1 : target);
}

static unsigned int sysfs_hex(const char *bdf, const char *attr)
{
	char path[PATH_MAX], val[32];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/%s", bdf, attr);
	if (read_sysfs(path, val, sizeof(val)))
		return ~0U;
	return strtoul(val, NULL, 16);
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* DEVICE: DDDD:BB:DD.F, BB:DD.F or VENDOR:DEVICE (4 hex digits each). */
static void find_device(const char *arg)
{
	struct dirent **names;
	struct stat st;
	char path[PATH_MAX];
	int n;

	if (strlen(arg) == 9 && arg[4] == ':' && is_hex(arg, 4) && is_hex(arg + 5, 4)) {
		unsigned int vendor = strtoul(arg, NULL, 16);
		unsigned int device = strtoul(arg + 5, NULL, 16);

		n = scandir(PCI_SYSFS, &names, NULL, alphasort);
		if (n < 0)
			unsupported(errno, PCI_SYSFS, "cannot list PCI devices");
		for (int i = 0; i < n; i++) {
			if (!dev.bdf[0] && names[i]->d_name[0] != '.' &&
			    sysfs_hex(names[i]->d_name, "vendor") == vendor &&
			    sysfs_hex(names[i]->d_name, "device") == device)
				copy_str(dev.bdf, sizeof(dev.bdf), names[i]->d_name);
			free(names[i]);
		}
		free(names);
		if (!dev.bdf[0])
			unsupported(0, arg, "no such PCI device");
	} else {
		unsigned int d, b, s, f;
		char end;

		if (sscanf(arg, "%x:%x:%x.%x%c", &d, &b, &s, &f, &end) != 4) {
			d = 0;
			if (sscanf(arg, "%x:%x.%x%c", &b, &s, &f, &end) != 3)
				usage_error("%s: want a PCI address or VENDOR:DEVICE", arg);
		}
		if (d > 0xffff || b > 0xff || s > 0x1f || f > 7)
			usage_error("%s: not a PCI address", arg);
		snprintf(dev.bdf, sizeof(dev.bdf), "%04x:%02x:%02x.%x", d, b, s, f);
		snprintf(path, sizeof(path), PCI_SYSFS "/%s", dev.bdf);
		if (stat(path, &st) < 0)
			unsupported(errno, dev.bdf, "no such PCI device");
	}
	dev.vendor = sysfs_hex(dev.bdf, "vendor");
	dev.device = sysfs_hex(dev.bdf, "device");
}

/* driver_override + drivers_probe, unbinding another driver first. */
static void bind_vfio_pci(void)
{
	char path[PATH_MAX], drv[64];

	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK) < 0)
		unsupported(errno, "/sys/bus/pci/drivers/vfio-pci",
			    "kernel without vfio-pci (CONFIG_VFIO_PCI; modprobe vfio-pci)");
	snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver", dev.bdf);
	link_name(path, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		return;
	snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver_override", dev.bdf);
	write_sysfs(path, "vfio-pci");
	if (drv[0]) {
		snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver/unbind", dev.bdf);
		write_sysfs(path, dev.bdf);
	}
	write_sysfs("/sys/bus/pci/drivers_probe", dev.bdf);
	snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver", dev.bdf);
	link_name(path, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci"))
		die_msg(EX_SYSCALL_ERR, "%s: vfio-pci did not bind (driver '%s'; see dmesg)",
			dev.bdf, drv);
}

/* The classic path: group, type1 container, VFIO_GROUP_GET_DEVICE_FD. */
static void open_group(void)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];

	dev.container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (dev.container < 0)
		unsupported(errno, "/dev/vfio/vfio", "kernel without the VFIO container");
	if (ioctl(dev.container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		unsupported(0, "/dev/vfio/vfio", "unknown VFIO API version");
	if (ioctl(dev.container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		unsupported(0, "/dev/vfio/vfio", "no VFIO_TYPE1v2_IOMMU (CONFIG_VFIO_IOMMU_TYPE1)");
	snprintf(path, sizeof(path), "/dev/vfio/%s", dev.group);
	dev.group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev.group_fd < 0)
		die_errno(EX_SYSCALL_ERR, errno, path);
	if (ioctl(dev.group_fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_GROUP_GET_STATUS)");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		die_msg(EX_SYSCALL_ERR, "%s: group %s not viable: bind all its devices to vfio-pci",
			dev.bdf, dev.group);
	if (ioctl(dev.group_fd, VFIO_GROUP_SET_CONTAINER, &dev.container) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_GROUP_SET_CONTAINER)");
	/* fails without interrupt remapping: "No interrupt remapping support" */
	if (ioctl(dev.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)");
	dev.fd = ioctl(dev.group_fd, VFIO_GROUP_GET_DEVICE_FD, dev.bdf);
	if (dev.fd < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_GROUP_GET_DEVICE_FD)");
}

/* The cdev path (6.6): /dev/vfio/devices/vfioN bound to our iommufd. */
static void open_cdev(void)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	char path[PATH_MAX], node[PATH_MAX] = "";
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/vfio-dev", dev.bdf);
	d = opendir(path);
	if (!d)
		unsupported(errno, path, "kernel without the VFIO device cdev (CONFIG_VFIO_DEVICE_CDEV)");
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(node, sizeof(node), "/dev/vfio/devices/%s", de->d_name);
	closedir(d);
	if (!node[0])
		unsupported(0, path, "no vfioN device");
	ioas_setup(&io);
	dev.fd = open(node, O_RDWR | O_CLOEXEC);
	if (dev.fd < 0)
		die_errno(EX_SYSCALL_ERR, errno, node);
	bind.iommufd = io.fd;
	if (ioctl(dev.fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_DEVICE_BIND_IOMMUFD)");
	attach.pt_id = io.ioas_id;
	if (ioctl(dev.fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_DEVICE_ATTACH_IOMMUFD_PT)");
}

static int region_info(unsigned int index, struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(dev.fd, VFIO_DEVICE_GET_REGION_INFO, info) < 0 ? -errno : 0;
}

static void open_device(void)
{
	struct vfio_device_feature probe = {
		.argsz = sizeof(probe),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};
	struct vfio_region_info cfg;
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/iommu_group", dev.bdf);
	link_name(path, dev.group, sizeof(dev.group));
	if (!dev.group[0])
		unsupported(0, dev.bdf, "no IOMMU group (boot with an IOMMU: intel_iommu=on)");
	bind_vfio_pci();
	if (dev.cdev)
		open_cdev();
	else
		open_group();
	err = region_info(VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(VFIO_DEVICE_GET_REGION_INFO config)");
	dev.cfg_offset = cfg.offset;
	if (ioctl(dev.fd, VFIO_DEVICE_FEATURE, &probe) < 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL)
			unsupported(errno, "VFIO_DEVICE_FEATURE_DMA_BUF",
				    "kernel without VFIO dma-buf export (CONFIG_VFIO_PCI_DMABUF)");
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(VFIO_DEVICE_FEATURE PROBE DMA_BUF)");
	}
}

/* PCI_COMMAND through the config region, memory decoding set to ON. */
static int set_decode(bool on, uint16_t *now)
{
	off_t off = dev.cfg_offset + PCI_COMMAND;
	uint16_t cmd;

	if (pread(dev.fd, &cmd, 2, off) != 2)
		return -errno;
	cmd = le16toh(cmd);
	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	cmd = htole16(cmd);
	if (pwrite(dev.fd, &cmd, 2, off) != 2)
		return -errno;
	if (pread(dev.fd, &cmd, 2, off) != 2)
		return -errno;
	*now = le16toh(cmd);
	return 0;
}

/* ---- buffers ------------------------------------------------------------ */

/* A size, or an offset (which may be 0). */
static int parse_offset(const char *s, uint64_t *out)
{
	if (!strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	return parse_size(s, out);
}

/* SPEC into b; on error a message in err and -1.  Ranges unchecked:
 * the kernel's validation is what is under test. */
static int parse_spec(const char *spec, struct vbuf *b, char *err, size_t errlen)
{
	char *s = strdup(spec), *mods, *ranges, *r, *save = NULL;
	unsigned long bar;
	int ret = -1;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->iova = IOAS_NO_AREA;
	mods = strchr(s, ',');
	if (mods)
		*mods++ = '\0';
	ranges = strchr(s, ':');
	if (ranges)
		*ranges++ = '\0';
	if (parse_uint(s, VFIO_PCI_BAR5_REGION_INDEX, &bar)) {
		snprintf(err, errlen, "%s: BAR must be 0 to 5", spec);
		goto out;
	}
	b->bar = bar;
	for (r = ranges ? strtok_r(ranges, "+", &save) : NULL; r;
	     r = strtok_r(NULL, "+", &save)) {
		struct vfio_region_dma_range *dr = &b->ranges[b->nranges];
		char *at = strchr(r, '@');

		if (b->nranges == MAX_RANGES) {
			snprintf(err, errlen, "%s: at most %d ranges", spec, MAX_RANGES);
			goto out;
		}
		if (!at) {
			snprintf(err, errlen, "%s: range '%s': want LENGTH@OFFSET", spec, r);
			goto out;
		}
		*at = '\0';
		if (parse_size(r, (uint64_t *)&dr->length) ||
		    parse_offset(at + 1, (uint64_t *)&dr->offset)) {
			snprintf(err, errlen, "%s: range '%s@%s': bad number", spec, r, at + 1);
			goto out;
		}
		b->nranges++;
	}
	if (ranges && !b->nranges) {
		snprintf(err, errlen, "%s: empty range list", spec);
		goto out;
	}
	for (r = mods ? strtok_r(mods, ",", &save) : NULL; r;
	     r = strtok_r(NULL, ",", &save)) {
		if (!strcmp(r, "client")) {
			b->client = true;
		} else if (!strcmp(r, "import")) {
			b->import = true;
		} else if (!strncmp(r, "name=", 5) && strlen(r + 5) < NAME_LEN) {
			snprintf(b->name, sizeof(b->name), "%s", r + 5);
		} else {
			snprintf(err, errlen, "%s: bad modifier '%s' (client, import, name=NAME up to %d bytes)",
				 spec, r, NAME_LEN - 1);
			goto out;
		}
	}
	ret = 0;
out:
	free(s);
	return ret;
}

static int setup_ioas(void)
{
	if (io.fd < 0) {
		if (access("/dev/iommu", F_OK) < 0)
			return -errno;
		ioas_setup(&io);
	}
	return 0;
}

/* MAP_FILE of b into the IOAS, with fd when we hold none ourselves. */
static int import_buf(struct vbuf *b, int fd)
{
	int err = setup_ioas();

	if (err)
		return err;
	return ioas_map_file(&io, fd, 0, b->size, &b->iova);
}

/* Hands b's fd to the client; we keep none. */
static int give_to_client(struct vbuf *b)
{
	char out[MSG_LEN];
	int err;

	err = client_call("take", &b->fd, 1, out, sizeof(out), NULL);
	if (err)
		return err;
	if (strncmp(out, "ok fds=", 7))
		return -EPROTO;
	close(b->fd);
	b->fd = atoi(out + 7);
	b->client = true;
	return 0;
}

/*
 * Exports b (parsed) and applies its modifiers: name, import, client.
 * 0, or -errno with the failing call in *what.
 */
static int export_buf(struct vbuf *b, const char **what)
{
	struct vfio_device_feature *feat;
	struct vfio_device_feature_dma_buf *get;
	struct vfio_region_info bar;
	size_t len;
	struct stat st;
	bool to_client = b->client;
	int err;

	*what = "ioctl(VFIO_DEVICE_GET_REGION_INFO)";
	if (dev.fd < 0)
		return -EBADF;
	err = region_info(b->bar, &bar);
	if (err)
		return err;
	if (!b->nranges) {
		b->ranges[0].offset = 0;
		b->ranges[0].length = bar.size;
		b->nranges = 1;
	}
	len = sizeof(*feat) + sizeof(*get) + b->nranges * sizeof(get->dma_ranges[0]);
	feat = calloc(1, len);
	if (!feat)
		return -ENOMEM;
	feat->argsz = len;
	feat->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	get = (struct vfio_device_feature_dma_buf *)feat->data;
	get->region_index = b->bar;
	get->open_flags = O_RDWR | O_CLOEXEC;
	get->nr_ranges = b->nranges;
	memcpy(get->dma_ranges, b->ranges, b->nranges * sizeof(b->ranges[0]));
	*what = "ioctl(VFIO_DEVICE_FEATURE DMA_BUF)";
	b->fd = ioctl(dev.fd, VFIO_DEVICE_FEATURE, feat);
	err = -errno;
	free(feat);
	if (b->fd < 0)
		return err;
	b->client = false;
	*what = "fstat";
	if (fstat(b->fd, &st) < 0)
		goto fail;
	b->ino = st.st_ino;
	b->size = st.st_size;
	if (fdinfo_exporter(b->fd, b->exporter, sizeof(b->exporter)))
		snprintf(b->exporter, sizeof(b->exporter), "?");
	*what = "ioctl(DMA_BUF_SET_NAME_B)";
	if (b->name[0] && ioctl(b->fd, DMA_BUF_SET_NAME_B, b->name) < 0)
		goto fail;
	*what = "ioctl(IOMMU_IOAS_MAP_FILE)";
	if (b->import && (err = import_buf(b, b->fd)))
		goto fail_err;
	*what = "SCM_RIGHTS to the client";
	if (to_client && (err = give_to_client(b)))
		goto fail_err;
	return 0;
fail:
	err = -errno;
fail_err:
	if (b->iova != IOAS_NO_AREA)
		ioas_unmap(&io, b->iova, b->size);
	close(b->fd);
	return err;
}

static void hex_or_dash(char *out, size_t len, uint64_t v)
{
	if (v == IOAS_NO_AREA)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "0x%llx", (unsigned long long)v);
}

/* The report line of b, without a trailing newline. */
static void buf_line(const struct vbuf *b, char *out, size_t len)
{
	char name[NAME_LEN * 4 + 1], offs[MAX_RANGES * 24], lens[MAX_RANGES * 24];
	char iova[24], fd[16];
	size_t o = 0, l = 0;

	escape_value(name, sizeof(name), b->name);
	for (unsigned int i = 0; i < b->nranges; i++) {
		o += snprintf(offs + o, sizeof(offs) - o, "%s%llu", i ? "," : "",
			      (unsigned long long)b->ranges[i].offset);
		l += snprintf(lens + l, sizeof(lens) - l, "%s%llu", i ? "," : "",
			      (unsigned long long)b->ranges[i].length);
	}
	hex_or_dash(iova, sizeof(iova), b->iova);
	if (b->fd < 0)
		snprintf(fd, sizeof(fd), "-");
	else
		snprintf(fd, sizeof(fd), "%d", b->fd);
	snprintf(out, len,
		 "inode=%lu size=%llu exporter=%s name=%s bdf=%s bar=%u offset=%s length=%s holder=%s pid=%d fd=%s iova=%s",
		 b->ino, (unsigned long long)b->size, b->exporter, name, dev.bdf,
		 b->bar, offs, lens, b->client ? "client" : "exporter",
		 b->client ? (int)client.pid : (int)getpid(), fd, iova);
}

static void device_line(char *out, size_t len)
{
	snprintf(out, len,
		 "bdf=%s vendor=0x%04x device=0x%04x iommu_group=%s api=%s device_fd=%s pid=%d client=%d",
		 dev.bdf, dev.vendor, dev.device, dev.group,
		 dev.cdev ? "cdev" : "group", dev.fd < 0 ? "closed" : "open",
		 (int)getpid(), (int)client.pid);
}

static void list_lines(void)
{
	char line[LINE_LEN];

	device_line(line, sizeof(line));
	say(line);
	for (unsigned int i = 0; i < nbufs; i++) {
		buf_line(&bufs[i], line, sizeof(line));
		say(line);
	}
}

/* ---- commands ----------------------------------------------------------- */

static struct vbuf *find_buf(const char *arg)
{
	unsigned long ino;

	if (!arg || parse_uint(arg, ULONG_MAX, &ino)) {
		reply_err(EINVAL, "want an INODE");
		return NULL;
	}
	for (unsigned int i = 0; i < nbufs; i++)
		if (bufs[i].ino == ino)
			return &bufs[i];
	reply_err(ENOENT, "no buffer %lu here", ino);
	return NULL;
}

static void cmd_list(char *arg)
{
	list_lines();
	reply_ok(NULL);
}

static void cmd_export(char *arg)
{
	char msg[LINE_LEN];
	struct vbuf *b = &bufs[nbufs];
	const char *what;
	int err;

	if (nbufs == MAX_BUFS) {
		reply_err(ENOSPC, "at most %d buffers", MAX_BUFS);
		return;
	}
	if (!arg || parse_spec(arg, b, msg, sizeof(msg))) {
		reply_err(EINVAL, "%s", arg ? msg : "want a SPEC");
		return;
	}
	err = export_buf(b, &what);
	if (err) {
		reply_err(-err, "%s: %s", what, strerror(-err));
		return;
	}
	nbufs++;
	buf_line(b, msg, sizeof(msg));
	reply_ok("%s", msg);
}

static void cmd_import(char *arg)
{
	struct vbuf *b = find_buf(arg);
	char msg[32], out[MSG_LEN];
	int fd = -1, err;

	if (!b)
		return;
	if (b->iova != IOAS_NO_AREA) {
		reply_err(EEXIST, "imported already at 0x%llx", (unsigned long long)b->iova);
		return;
	}
	if (b->client) {
		/* a duplicate from the client, closed once iommufd has its own */
		snprintf(msg, sizeof(msg), "give %d", b->fd);
		err = client_call(msg, NULL, 0, out, sizeof(out), &fd);
		if (err || strncmp(out, "ok", 2) || fd < 0) {
			if (err)
				reply_err(-err, "client: %s", strerror(-err));
			else
				say(out);
			return;
		}
	} else if (b->fd < 0) {
		reply_err(EBADF, "dma-buf fd closed");
		return;
	}
	err = import_buf(b, b->client ? fd : b->fd);
	if (fd >= 0)
		close(fd);
	if (err)
		reply_err(-err, "IOMMU_IOAS_MAP_FILE: %s", strerror(-err));
	else
		reply_ok("iova=0x%llx", (unsigned long long)b->iova);
}

static void cmd_unimport(char *arg)
{
	struct vbuf *b = find_buf(arg);
	int err;

	if (!b)
		return;
	if (b->iova == IOAS_NO_AREA) {
		reply_err(ENOENT, "not imported");
		return;
	}
	err = ioas_unmap(&io, b->iova, b->size);
	if (err) {
		reply_err(-err, "IOMMU_IOAS_UNMAP: %s", strerror(-err));
		return;
	}
	reply_ok("iova=0x%llx", (unsigned long long)b->iova);
	b->iova = IOAS_NO_AREA;
}

static void cmd_mapped(char *arg)
{
	struct vbuf *b = find_buf(arg);

	if (b)
		ioas_reply_mapped(&io, b->iova, b->size);
}

/* revoke, mmap, touch, unmap, close: in the buffer's holder. */
static void cmd_holder(const char *op, char *arg)
{
	struct vbuf *b = find_buf(arg);
	char out[MSG_LEN];

	if (!b)
		return;
	buf_op(b, op, out, sizeof(out));
	say(out);
}

static void cmd_decode(char *arg)
{
	uint16_t now;
	int err;

	if (!arg || (strcmp(arg, "on") && strcmp(arg, "off"))) {
		reply_err(EINVAL, "want 'decode on' or 'decode off'");
		return;
	}
	if (dev.fd < 0) {
		reply_err(EBADF, "device closed");
		return;
	}
	err = set_decode(!strcmp(arg, "on"), &now);
	if (err)
		reply_err(-err, "PCI_COMMAND: %s", strerror(-err));
	else
		reply_ok("command=0x%04x", now);
}

static void cmd_reset(char *arg)
{
	if (dev.fd < 0)
		reply_err(EBADF, "device closed");
	else if (ioctl(dev.fd, VFIO_DEVICE_RESET) < 0)
		reply_err(errno, "VFIO_DEVICE_RESET: %s", strerror(errno));
	else
		reply_ok(NULL);
}

/* Closing the last device fd is what makes VFIO clean its buffers up. */
static void cmd_close_device(char *arg)
{
	if (dev.fd < 0) {
		reply_err(EBADF, "device closed");
		return;
	}
	close(dev.fd);
	dev.fd = -1;
	if (dev.group_fd >= 0)
		close(dev.group_fd);
	if (dev.container >= 0)
		close(dev.container);
	dev.group_fd = dev.container = -1;
	reply_ok(NULL);
}

static const struct {
	const char *name;
	void (*fn)(char *arg);
	const char *holder_op;	/* or run holder_op() with this */
} commands[] = {
	{ "list", cmd_list, NULL },
	{ "export", cmd_export, NULL },
	{ "import", cmd_import, NULL },
	{ "unimport", cmd_unimport, NULL },
	{ "mapped", cmd_mapped, NULL },
	{ "revoke", NULL, "revoke" },
	{ "mmap", NULL, "mmap" },
	{ "touch", NULL, "touch" },
	{ "unmap", NULL, "unmap" },
	{ "close", NULL, "close" },
	{ "decode", cmd_decode, NULL },
	{ "reset", cmd_reset, NULL },
	{ "close-device", cmd_close_device, NULL },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cdev", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char line[MSG_LEN], *cmd, *arg;
	uint16_t command;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dev.cdev = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_ERR;
		}
	}
	if (optind >= argc)
		usage_error("want a DEVICE");
	if (argc - optind - 1 > MAX_BUFS)
		usage_error("at most %d SPECs", MAX_BUFS);
	for (int i = optind + 1; i < argc; i++) {
		if (parse_spec(argv[i], &bufs[i - optind - 1], line, sizeof(line)))
			usage_error("%s", line);
	}
	find_device(argv[optind]);
	/* before the device is open: the client must never hold its fds */
	spawn_client();
	open_device();
	/* a resource manager enables the BARs before handing them out */
	err = set_decode(true, &command);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "PCI_COMMAND memory decoding on");
	for (int i = optind + 1; i < argc; i++) {
		const char *what;

		err = export_buf(&bufs[nbufs], &what);
		if (err)
			die_errno(EX_SYSCALL_ERR, -err, what);
		nbufs++;
	}
	list_lines();
	say_ready();

	while ((cmd = read_command(line, sizeof(line), &arg))) {
		size_t i;

		if (!*cmd)
			continue;
		if (!strcmp(cmd, "quit"))
			break;
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(cmd, commands[i].name))
				break;
		if (i == sizeof(commands) / sizeof(commands[0]))
			reply_err(EINVAL, "unknown command '%s'", cmd);
		else if (commands[i].fn)
			commands[i].fn(arg);
		else
			cmd_holder(commands[i].holder_op, arg);
	}
	if (client.ctl >= 0)
		scm_send(client.ctl, "quit", NULL, 0);
	if (client.pid > 0)
		waitpid(client.pid, NULL, 0);
	return 0;
}
