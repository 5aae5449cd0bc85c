// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl revoke INODE: revoke a dma-buf through a holder's fd.
 *
 * Scan for a process holding the buffer by fd, duplicate that fd with
 * pidfd_getfd(), prove the duplicate is the buffer (revoke.c), ask, issue
 * DMA_BUF_IOCTL_REVOKE and, with --verify, watch the importers react.
 * Revocation cannot be undone: without a terminal to ask on, only --yes
 * lets it happen.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "dmabuf.h"
#include "output.h"
#include "revoke.h"
#include "revoke_verify.h"
#include "source.h"
#include "util.h"
#include "vfio.h"

#define VERIFY_TIMEOUT_DEFAULT	5.0	/* seconds */

enum { OPT_DRY_RUN = 0x200, OPT_VERIFY };

static const struct argp_option revoke_options[] = {
	{ "pid", 'p', "PID", 0, "Use this holder (needs --fd)", 0 },
	{ "fd", 'f', "FD", 0, "Use this fd of --pid", 0 },
	{ "yes", 'y', NULL, 0, "Do not ask; needed without a terminal", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0,
	  "Find and check the holder's fd, say what would happen, revoke nothing", 0 },
	{ "verify", OPT_VERIFY, "TIMEOUT", OPTION_ARG_OPTIONAL,
	  "Trace the importers (BPF) and confirm each was notified and unmapped "
	  "within TIMEOUT (default 5s)", 0 },
	{ 0 }
};

struct revoke_args {
	uint64_t inode;
	bool have_inode;
	pid_t pid;		/* 0: choose from the scan */
	int fd;			/* -1 unless --fd */
	bool yes, dry_run, verify;
	double timeout;
};

static error_t revoke_parse(int key, char *arg, struct argp_state *state)
{
	struct revoke_args *a = state->input;

	switch (key) {
	case 'p':
		if (parse_pid(arg, &a->pid))
			cli_usage("--pid: '%s': not a process id", arg);
		break;
	case 'f':
		if (parse_int(arg, 0, INT_MAX, &a->fd))
			cli_usage("--fd: '%s': not a file descriptor number", arg);
		break;
	case 'y':
		a->yes = true;
		break;
	case OPT_DRY_RUN:
		a->dry_run = true;
		break;
	case OPT_VERIFY:
		a->verify = true;
		if (arg && parse_duration(arg, &a->timeout))
			cli_usage("--verify: '%s': not a duration (5, 2.5s, 500ms, 1m)", arg);
		break;
	case ARGP_KEY_ARG:
		if (a->have_inode)
			cli_usage("'%s': one INODE at a time", arg);
		if (parse_u64(arg, &a->inode) || a->inode == 0)
			cli_usage("'%s': not an inode number", arg);
		a->have_inode = true;
		break;
	case ARGP_KEY_END:
		if (!a->have_inode)
			cli_usage("missing INODE: name the dma-buf to revoke");
		if (!a->pid != (a->fd < 0))
			cli_usage("%s: needs %s too", a->pid ? "--pid" : "--fd",
				  a->pid ? "--fd" : "--pid");
		/* Revoke acts on live buffers; a captured tree has none. */
		if (gopts.sysroot)
			cli_usage("--sysroot: revoke acts on the live system only");
		if (a->dry_run && a->verify)
			cli_usage("--verify: nothing to verify with --dry-run");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}


static const struct argp revoke_argp = {
	revoke_options, revoke_parse, "INODE",
	"Revoke a dma-buf through a holder's fd: its importers are told to unmap "
	"and its CPU mappings stop working (SIGBUS).  Cannot be undone."
	"\vNeeds a kernel with DMA_BUF_IOCTL_REVOKE and an exporter that implements "
	"it.  The holder's fd is duplicated with pidfd_getfd(2) (CAP_SYS_PTRACE, or "
	"same uid and dumpable) and checked to be the buffer before anything is done.  "
	"A VFIO buffer that VFIO has revoked for now (memory decoding off, a reset) "
	"becomes revoked for good, without a new notification (status 0).  "
	"SIGINT or SIGTERM during --verify ends the wait with a report of what was "
	"confirmed by then.\n\n"
	"Exit status: 0 revoked (and, with --verify, confirmed) or dry run; 2 no such "
	"buffer or holder; 3 no DMA_BUF_IOCTL_REVOKE, or no BPF for --verify; "
	"4 not permitted; 5 exporter cannot revoke; 6 pinned or in use; 7 already "
	"revoked; 8 device gone; 9 held by no fd; 10 revoked, importers unconfirmed; "
	"11 fd is another buffer; 12 not confirmed, no terminal or interrupted before "
	"the ioctl; 64 usage; 1 other.",
	cli_json_children, NULL, NULL
};

/* One outcome, whatever it is: becomes the message and the JSON object. */
struct outcome {
	const struct revoke_args *args;
	const struct dmabuf *buf;	/* NULL: not found */
	pid_t pid;			/* chosen holder, 0 none */
	char comm[64];			/* as the process set it */
	char who[160];			/* "comm[pid]", escaped for a terminal */
	char what[160];			/* "exporter DEVICE BAR N", escaped */
	int fd;
	bool checked;			/* identity of the duplicate proved */
	bool check_exporter;		/* exporter compared too */
	struct revoke_identity id;	/* what the duplicate is */
	const char *result;		/* "revoked", "dry-run", "aborted", "error" */
	int err;			/* errno of the failure, 0 none */
	char *message;
	struct tracer_confirm *confirms;	/* --verify, one per attachment */
	size_t nr_confirms;
	bool invalidated;		/* --verify saw the buffer's invalidate */
	double verify_ms;		/* start to last confirmation, < 0 none */
	double load_ms;			/* tracer load and attach, < 0 none */
	int status;
	bool vfio_revoked;		/* VFIO had revoked it for now at scan time */
	int was_revoked;		/* revoked before the ioctl: 1, 0, -1 unknown */
};

/* Whether we may read pid's fdinfo: if so, the scan saw that fd. */
static bool fd_visible(pid_t pid, int fd)
{
	char *path = xasprintf("/proc/%d/fdinfo/%d", (int)pid, fd);
	int f = open(path, O_RDONLY | O_CLOEXEC), e = errno;

	free(path);
	if (f >= 0)
		close(f);
	return f >= 0 || (e != EACCES && e != EPERM);
}

/* "comm[pid]" for messages: a comm is the process's to choose. */
static const char *who(struct outcome *o)
{
	char *name = out_holder_name(o->comm, o->pid);

	snprintf(o->who, sizeof(o->who), "%s", name);
	free(name);
	return o->who;
}

/* The exporter and, where it names one, its device: "vfio_pci_core
 * 0000:01:00.0 BAR 2". */
static const char *what(struct outcome *o)
{
	const struct dmabuf *buf = o->buf;
	char *exp = out_escape(buf->exporter ? buf->exporter : "exporter unknown");
	char *dev = buf->device ? out_escape(buf->device) : NULL;
	char bar[16] = "";

	if (dev && buf->bar >= 0)
		snprintf(bar, sizeof(bar), " BAR %d", buf->bar);
	snprintf(o->what, sizeof(o->what), "%s%s%s%s", exp, dev ? " " : "", dev ? dev : "", bar);
	free(exp);
	free(dev);
	return o->what;
}

static const char *holder_comm(const struct dmabuf *buf, pid_t pid, char *out, size_t len)
{
	char *path, *comm;
	size_t i;

	for (i = 0; buf && i < buf->nr_holders; i++)
		if (buf->holders[i].pid == pid && buf->holders[i].comm) {
			snprintf(out, len, "%s", buf->holders[i].comm);
			return out;
		}
	path = xasprintf("/proc/%d/comm", (int)pid);
	comm = read_comm_at(AT_FDCWD, path);
	snprintf(out, len, "%s", comm ? comm : "?");
	free(comm);
	free(path);
	return out;
}

/* An attachment that can be revoked has a notify callback (7.1+:
 * dma_buf_attach_revocable()); the others are what makes EBUSY. */
static bool revocable(const struct dmabuf_attachment *at)
{
	return at->dynamic == 1 && at->callback;
}

/* The attached devices that block a revoke, else all of them. */
static char *blockers_str(const struct dmabuf *buf)
{
	struct out_join j;
	size_t i;
	int pass;

	out_join_begin(&j, ", ");
	for (pass = 0; pass < 2 && !j.len; pass++) {
		for (i = 0; i < buf->nr_attachments; i++) {
			const struct dmabuf_attachment *at = &buf->attachments[i];

			if (!pass && revocable(at))
				continue;
			out_join_add(&j, "%s", at->device);
		}
	}
	return out_join_end(&j);
}

/* Sizes in messages: exact with -b, human otherwise, also under -J (the JSON
 * object has the exact size in "size"). */
static const char *msg_size(uint64_t bytes, char *buf, size_t len)
{
	if (oopts.bytes) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return buf;
	}
	return size_human(bytes, buf, len);
}

static void vset_message(struct outcome *o, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vset_message(struct outcome *o, const char *fmt, va_list ap)
{
	free(o->message);
	if (vasprintf(&o->message, fmt, ap) < 0)
		o->message = NULL;
}

static void set_message(struct outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_message(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_message(o, fmt, ap);
	va_end(ap);
}

/* An error: message on stderr as one line, status recorded. */
static int fail(struct outcome *o, int status, int err, const char *what,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct outcome *o, int status, int err, const char *what,
		const char *fmt, ...)
{
	char object[48];
	va_list ap;

	va_start(ap, fmt);
	vset_message(o, fmt, ap);
	va_end(ap);
	o->status = status;
	o->err = err;
	if (!o->result)
		o->result = status == EXIT_ABORTED ? "aborted" : "error";
	snprintf(object, sizeof(object), "dma-buf %llu", (unsigned long long)o->args->inode);
	err_msg(object, what, o->message);
	return status;
}

static void hint_perm(struct outcome *o)
{
	static const char *const scope_doc[] = {
		"0 (classic ptrace permissions)",
		"1 (only descendants, unless CAP_SYS_PTRACE)",
		"2 (only with CAP_SYS_PTRACE)",
		"3 (no attaching at all, not even root)",
	};
	int scope = revoke_ptrace_scope();

	if (scope < 0)
		err_hint("pidfd_getfd needs CAP_SYS_PTRACE, or the same uid as %s and a "
			 "dumpable process (no Yama ptrace_scope here)", who(o));
	else
		err_hint("pidfd_getfd needs CAP_SYS_PTRACE, or the same uid as %s and a "
			 "dumpable process; kernel.yama.ptrace_scope is %s",
			 who(o), scope_doc[scope]);
}

/*
 * Duplicate pid's fd and check it.  Returns the duplicate, or -1 with
 * *why set to the errno (or -1 for an identity mismatch, id filled).
 */
static int dup_checked(struct outcome *o, pid_t pid, int fd, struct revoke_identity *id,
		       int *why, int *mismatch)
{
	const char *step;
	int dup, ret;

	dup = revoke_dup(pid, fd, &step);
	if (dup < 0) {
		*why = -dup;
		return -1;
	}
	ret = revoke_identify(dup, o->args->inode, o->buf->exporter, id);
	if (ret) {
		close(dup);
		*why = ret < 0 ? -ret : -1;
		*mismatch = ret;
		return -1;
	}
	return dup;
}

static char *identity_str(struct outcome *o, int mismatch,
			  const struct revoke_identity *id)
{
	switch (mismatch) {
	case REVOKE_NOT_DMABUF:
		return xasprintf("%s fd %d is no longer a dma-buf; refusing",
				 who(o), o->fd);
	case REVOKE_OTHER_INODE:
		return xasprintf("%s fd %d is dma-buf %llu, not %llu; refusing",
				 who(o), o->fd, (unsigned long long)id->inode,
				 (unsigned long long)o->args->inode);
	case REVOKE_OTHER_EXPORTER:
		return xasprintf("%s fd %d is exported by '%s', the scan saw '%s'; refusing",
				 who(o), o->fd, id->exporter, o->buf->exporter);
	default:
		return xasprintf("%s fd %d: no exporter in its fdinfo to check; refusing",
				 who(o), o->fd);
	}
}

/* Why o->pid's o->fd could not be used: report it, set the status. */
static void dup_failed(struct outcome *o, int why, int mismatch,
		       const struct revoke_identity *id)
{
	char *msg;

	switch (why) {
	case -1:
		msg = identity_str(o, mismatch, id);
		fail(o, EXIT_IDENTITY, 0, "identity", "%s", msg);
		free(msg);
		break;
	case EPERM:
		fail(o, EXIT_PERM, why, "pidfd_getfd", "%s fd %d: %s",
		     who(o), o->fd, strerror(why));
		hint_perm(o);
		break;
	case ESRCH:
		fail(o, EXIT_NOTFOUND, why, "holder", "process %d: %s",
		     (int)o->pid, strerror(why));
		break;
	case EBADF:
		fail(o, EXIT_NOTFOUND, why, "holder", "%s has no fd %d",
		     who(o), o->fd);
		break;
	case ENOSYS:
		fail(o, EXIT_UNSUPPORTED, why, "pidfd_getfd", "%s", strerror(why));
		err_hint("pidfd_getfd(2) needs Linux 5.6 or later");
		break;
	default:
		fail(o, EXIT_FAIL, why, "pidfd_getfd", "%s fd %d: %s",
		     who(o), o->fd, strerror(why));
		break;
	}
}

/* Failures that the next holder may not have. */
static bool try_next(int why)
{
	/* EINVAL: pidfd_open() of a thread that is not a group leader. */
	return why == -1 || why == EPERM || why == ESRCH || why == EBADF || why == EINVAL;
}

/* No fd to duplicate: say who holds it instead. */
static void no_fd(struct outcome *o, const struct dmabuf_set *set)
{
	char *maps = out_holders(o->buf, OUT_HOLDERS_MAPS_ONLY, ", ", true);

	if (*maps)
		fail(o, EXIT_NOFD, 0, "revoke",
		     "no process holds it by fd, only by mappings: %s", maps);
	else
		fail(o, EXIT_NOFD, 0, "revoke",
		     "no process holds it by fd or mapping: only the kernel does");
	free(maps);
	if (set->procs_unreadable && geteuid())
		err_hint("%zu of %zu processes could not be read: run as root",
			 set->procs_unreadable, set->procs_scanned);
	else
		err_hint("revoke needs an fd to duplicate; mappings and kernel "
			 "references cannot be duplicated");
}

/*
 * Find the holder and duplicate its fd.  With --pid/--fd only that one;
 * otherwise every fd of every holder until one passes the checks.  Returns
 * the duplicate, or -1 with the outcome reported.
 */
static int find_holder(struct outcome *o, const struct dmabuf_set *set)
{
	const struct revoke_args *a = o->args;
	const struct dmabuf *buf = o->buf;
	struct revoke_identity id, first_id = { 0 };
	int dup, why = 0, mismatch = 0, first_why = 0, first_mismatch = 0;
	pid_t first_pid = 0;
	int first_fd = -1;
	size_t i, j;

	o->check_exporter = buf->exporter != NULL;
	if (a->pid) {
		o->pid = a->pid;
		o->fd = a->fd;
		holder_comm(buf, a->pid, o->comm, sizeof(o->comm));
		dup = dup_checked(o, a->pid, a->fd, &id, &why, &mismatch);
		if (dup >= 0)
			goto found;
		dup_failed(o, why, mismatch, &id);
		return -1;
	}

	for (i = 0; i < buf->nr_holders; i++) {
		const struct dmabuf_holder *h = &buf->holders[i];

		for (j = 0; j < h->nr_fds; j++) {
			o->pid = h->pid;
			o->fd = h->fds[j];
			snprintf(o->comm, sizeof(o->comm), "%s", h->comm ? h->comm : "?");
			dup = dup_checked(o, h->pid, h->fds[j], &id, &why, &mismatch);
			if (dup >= 0)
				goto found;
			if (!try_next(why)) {
				dup_failed(o, why, mismatch, &id);
				return -1;
			}
			/* Report the most useful failure: EPERM, identity, gone. */
			if (!first_pid || (why == EPERM && first_why != EPERM) ||
			    (why == -1 && first_why != EPERM && first_why != -1)) {
				first_pid = h->pid;
				first_fd = h->fds[j];
				first_why = why;
				first_mismatch = mismatch;
				first_id = id;
			}
		}
	}

	if (first_pid) {
		o->pid = first_pid;
		o->fd = first_fd;
		holder_comm(buf, first_pid, o->comm, sizeof(o->comm));
		if (first_why == ESRCH || first_why == EBADF) {
			fail(o, EXIT_NOTFOUND, first_why, "holder",
			     "every process holding it by fd has closed it or exited");
			o->pid = 0;
		} else {
			dup_failed(o, first_why, first_mismatch, &first_id);
		}
		return -1;
	}

	o->pid = 0;
	no_fd(o, set);
	return -1;

found:
	o->checked = true;
	o->id = id;
	if (id.revoked == 1)
		o->err = EBADFD;	/* the kernel says so in fdinfo */
	return dup;
}

/* Ask on the terminal; true for yes. */
static bool confirm(struct outcome *o)
{
	char size[24], *holders, *line = NULL;
	size_t cap = 0;
	bool yes = false;

	holders = out_holders(o->buf, OUT_HOLDERS_FDS, ", ", true);
	fprintf(stderr, "Revoke dma-buf %llu (%s, %s, held by %s)? [y/N] ",
		(unsigned long long)o->args->inode, msg_size(o->buf->size, size, sizeof(size)),
		what(o), holders);
	fflush(stderr);
	if (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\n")] = '\0';
		yes = !strcasecmp(line, "y") || !strcasecmp(line, "yes");
	}
	free(line);
	free(holders);
	return yes;
}

/* DMA_BUF_IOCTL_REVOKE's errors, each its own message and status. */
static int ioctl_failed(struct outcome *o, int err)
{
	const char *exp = o->buf->exporter ? o->buf->exporter : "?";
	char *devs;

	switch (err) {
	case ENOTTY:
		fail(o, EXIT_UNSUPPORTED, err, "revoke",
		     "this kernel has no DMA_BUF_IOCTL_REVOKE (%s)", strerror(err));
		err_hint("needs a kernel with the dma-buf revoke series, see tests/kernel/README.md");
		return o->status;
	case EINVAL:
		return fail(o, EXIT_NOTREVOCABLE, err, "revoke",
			    "exporter '%s' cannot revoke its buffers", exp);
	case EBADFD:
		if (o->buf->device_closed > 0)
			return fail(o, EXIT_REVOKED, err, "revoke",
				    "already revoked, for good: its device was closed");
		return fail(o, EXIT_REVOKED, err, "revoke", "already revoked");
	case ENODEV:
		return fail(o, EXIT_NODEV, err, "revoke",
			    "the device of exporter '%s' is gone", exp);
	case EBUSY:
		if (!o->buf->attachments_known)
			return fail(o, EXIT_BUSY, err, "revoke",
				    "pinned or in use by an importer that cannot be revoked "
				    "(attachments unknown: needs debugfs or the BPF iterator)");
		devs = blockers_str(o->buf);
		fail(o, EXIT_BUSY, err, "revoke",
		     "pinned or in use by an importer that cannot be revoked: %s",
		     *devs ? devs : "none attached at scan time");
		free(devs);
		return o->status;
	default:
		return fail(o, EXIT_FAIL, err, "revoke", "%s", strerror(err));
	}
}

static struct json_object *json_outcome(const struct outcome *o)
{
	struct json_object *root = json_object_new_object(), *h, *c, *arr;
	const struct dmabuf *buf = o->buf;
	size_t i;

	out_json_add(root, "inode", out_json_u64(o->args->inode));
	out_json_add(root, "size", buf && buf->size ? out_json_u64(buf->size) : NULL);
	out_json_add(root, "exporter", out_json_str(buf ? buf->exporter : NULL));
	if (o->pid) {
		h = json_object_new_object();
		out_json_add(h, "pid", json_object_new_int(o->pid));
		out_json_add(h, "comm", out_json_str(o->comm));
		out_json_add(h, "fd", json_object_new_int(o->fd));
		out_json_add(h, "checked", json_object_new_boolean(o->checked));
	} else {
		h = NULL;
	}
	out_json_add(root, "holder", h);
	if (o->checked) {
		c = json_object_new_array();
		json_object_array_add(c, json_object_new_string("magic"));
		json_object_array_add(c, json_object_new_string("inode"));
		if (o->check_exporter)
			json_object_array_add(c, json_object_new_string("exporter"));
	} else {
		c = NULL;
	}
	out_json_add(root, "checks", c);
	out_json_add(root, "result", json_object_new_string(o->result));
	out_json_add(root, "status", json_object_new_int(o->status));
	out_json_add(root, "errno",
			       o->err && o->status ? out_json_str(strerrorname_np(o->err)) : NULL);
	out_json_add(root, "message", out_json_str(o->message));
	if (o->args->verify && !strcmp(o->result, "revoked")) {
		arr = json_object_new_array();
		for (i = 0; i < o->nr_confirms; i++) {
			const struct tracer_confirm *tc = &o->confirms[i];

			c = json_object_new_object();
			out_json_confirm(c, tc);
			json_object_array_add(arr, c);
		}
		out_json_add(root, "invalidated",
				       json_object_new_boolean(o->invalidated));
		out_json_add(root, "confirmations", arr);
		out_json_add(root, "verify_ms", o->verify_ms >= 0 ?
			     out_json_ms(o->verify_ms) : NULL);
		out_json_add(root, "tracer_load_ms", o->load_ms >= 0 ?
			     out_json_ms(o->load_ms) : NULL);
	} else {
		out_json_add(root, "invalidated", NULL);
		out_json_add(root, "confirmations", NULL);
		out_json_add(root, "verify_ms", NULL);
		out_json_add(root, "tracer_load_ms", NULL);
	}
	out_json_add(root, "was_revoked", o->was_revoked < 0 ? NULL :
		     json_object_new_boolean(o->was_revoked));
	return root;
}

static bool confirmed(const struct tracer_confirm *tc)
{
	return tc->notified == 1 && tc->unmapped;
}

/* Human report of the confirmations, on stdout. */
static void print_confirms(const struct outcome *o)
{
	size_t i;

	for (i = 0; i < o->nr_confirms; i++) {
		const struct tracer_confirm *tc = &o->confirms[i];

		printf("  %s: %s%s%s, ", tc->device ? tc->device : "?",
		       tc->notified == 1 ? "notified" :
		       tc->notified == 0 ? "not notified" : "notification unknown",
		       tc->callback ? " via " : " (no callback)",
		       tc->callback ? tc->callback : "");
		if (tc->unmapped)
			printf("unmapped (%s)", tc->unmap ? tc->unmap : "?");
		else
			printf("not unmapped");
		if (tc->latency_ns >= 0)
			printf(" %.3f ms after the invalidate", tc->latency_ns / 1e6);
		printf("%s\n", confirmed(tc) ? "" : ": UNCONFIRMED");
	}
	if (o->verify_ms >= 0)
		printf("confirmed %.1f ms after start (tracer attached in %.1f ms)\n",
		       o->verify_ms, o->load_ms);
}

/*
 * --verify: SIGINT or SIGTERM before the ioctl revokes nothing; after it,
 * the wait ends and the report says what was confirmed so far (the buffer
 * is revoked whatever happens next, so dying silently would hide that).
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* After the ioctl: wait for the importers; EXIT_OK or EXIT_UNCONFIRMED. */
static int verify_wait(struct outcome *o, struct tracer *t, double t0)
{
	char object[48], *bad;
	struct out_join j;
	double last = 0;
	size_t i;
	int ret;

	snprintf(object, sizeof(object), "dma-buf %llu", (unsigned long long)o->args->inode);
	ret = revoke_verify_wait(t, o->args->inode, o->args->timeout, !o->vfio_revoked,
				 &interrupted, &o->confirms, &o->nr_confirms);
	out_join_begin(&j, ", ");
	if (ret == -ETIMEDOUT && o->vfio_revoked)
		ret = 0;	/* as expected: nothing left to tell its importers */
	else if (ret == -ETIMEDOUT)
		out_join_add(&j, "no invalidate of it seen within %gs", o->args->timeout);
	else if (ret == -EINTR)
		out_join_add(&j, "interrupted (%s) before its invalidate was seen",
			     interrupted == SIGTERM ? "SIGTERM" : "SIGINT");
	else if (ret)
		out_join_add(&j, "%s", strerror(-ret));
	else
		o->invalidated = true;

	for (i = 0; i < o->nr_confirms; i++) {
		const struct tracer_confirm *tc = &o->confirms[i];

		if (tc->final_ns / 1e6 > last)
			last = tc->final_ns / 1e6;
		if (!confirmed(tc))
			out_join_add(&j, "%s (%s)", tc->device ? tc->device : "?",
				     tc->notified != 1 ? "callback not seen" : "no unmap seen");
	}
	bad = out_join_end(&j);
	if (*bad) {
		err_msg(object, "verify: revoked, importers unconfirmed", bad);
		free(bad);
		return EXIT_UNCONFIRMED;
	}
	free(bad);
	o->verify_ms = (o->nr_confirms ? last : mono_ns() / 1e6) - t0;
	return EXIT_OK;
}

static int revoke_run(struct outcome *o, double t0)
{
	const struct revoke_args *a = o->args;
	struct dmabuf_set *set = NULL;
	struct tracer *t = NULL;
	struct dmabuf unseen = { 0 };
	char size[24];
	int dup = -1, ret;

	ret = cli_scan(&set, false, false);
	if (ret) {
		/* cli_scan() said why */
		o->status = ret;
		o->result = "error";
		set_message(o, "cannot scan for holders");
		goto cleanup;
	}
	/* The scan's warnings (unreadable processes, debugfs) matter here
	 * only when the buffer is not found: then as a hint. */
	o->buf = dmabuf_find(set, a->inode);
	if (!o->buf && a->pid && !fd_visible(a->pid, a->fd)) {
		/* The scan could not look at that fd; the duplicate will tell. */
		unseen.inode = a->inode;
		unseen.refcount = -1;
		unseen.revoked = -1;
		unseen.revoked_for_good = -1;
		unseen.bar = -1;
		unseen.device_closed = -1;
		o->buf = &unseen;
	}
	if (!o->buf) {
		fail(o, EXIT_NOTFOUND, 0, "revoke", "no such buffer");
		if (set->procs_unreadable && geteuid())
			err_hint("%zu of %zu processes could not be read: run as root",
				 set->procs_unreadable, set->procs_scanned);
		goto cleanup;
	}

	dup = find_holder(o, set);
	if (dup < 0)
		goto cleanup;
	if (o->buf == &unseen) {
		unseen.size = o->id.size;
		unseen.exporter = o->id.exporter[0] ? o->id.exporter : NULL;
	}
	/* VFIO revoked it (memory decoding off, a reset): the ioctl makes
	 * that permanent and tells no importer (tests/kernel/README.md). */
	o->vfio_revoked = o->buf->revoked == 1 && o->buf->revoked_for_good == 0;
	/* The scan's state, else the duplicate's fdinfo mark (for good only,
	 * which is all there is but where VFIO revokes for a while). */
	o->was_revoked = o->buf->revoked;
	if (o->was_revoked < 0 && (o->id.revoked == 1 || (o->id.revoked == 0 &&
							  !vfio_exporter(o->id.exporter))))
		o->was_revoked = o->id.revoked;

	if (a->dry_run) {
		o->result = "dry-run";
		if (o->err == EBADFD) {
			fail(o, EXIT_REVOKED, EBADFD, "revoke",
			     "already revoked (fdinfo); nothing would change");
			o->result = "dry-run";
			goto cleanup;
		}
		set_message(o, "would revoke dma-buf %llu (%s, %s) through %s fd %d; "
			    "checked: magic, inode%s; %snothing changed",
			    (unsigned long long)a->inode, msg_size(o->buf->size, size, sizeof(size)),
			    what(o), who(o), o->fd, o->check_exporter ? ", exporter" : "",
			    o->vfio_revoked ? "revoked by VFIO for now, the ioctl would make it "
			    "permanent; " : "");
		o->status = EXIT_OK;
		goto cleanup;
	}
	o->err = 0;

	if (!a->yes) {
		double asked = mono_ns() / 1e6;

		if (!confirm(o)) {
			o->result = "aborted";
			fail(o, EXIT_ABORTED, 0, "revoke", "not confirmed; nothing changed");
			goto cleanup;
		}
		t0 += mono_ns() / 1e6 - asked;		/* verify_ms leaves out the human */
	}

	if (a->verify) {
		struct tracer_opts topts = { .inode = a->inode, .timeout = a->timeout };
		struct tracer_err terr = { 0 };

		ret = tracer_open(&t, &topts, &terr);
		if (ret) {
			fail(o, cli_status(ret), 0, "verify", "trace: %s; nothing revoked",
			     terr.why);
			if (terr.hint[0])
				err_hint("%s", terr.hint);
			goto cleanup;
		}
		o->load_ms = tracer_info(t)->load_ms;
		catch_signals();
		if (interrupted) {
			o->result = "aborted";
			fail(o, EXIT_ABORTED, 0, "revoke", "interrupted; nothing revoked");
			goto cleanup;
		}
	}

	ret = revoke_ioctl(dup);
	if (ret) {
		ioctl_failed(o, -ret);
		goto cleanup;
	}
	o->result = "revoked";
	o->status = EXIT_OK;
	set_message(o, "revoked dma-buf %llu (%s, %s) through %s fd %d%s",
		    (unsigned long long)a->inode, msg_size(o->buf->size, size, sizeof(size)),
		    what(o), who(o), o->fd,
		    o->vfio_revoked ? "; VFIO had revoked it for now (memory decoding off or a "
		    "reset): now it is for good, and its importers, told then, are not told again" :
		    "");

	if (t)
		o->status = verify_wait(o, t, t0);

cleanup:
	tracer_close(t);
	if (dup >= 0)
		close(dup);
	if (oopts.json) {
		out_json_print(json_outcome(o));
	} else if (o->status == EXIT_OK || o->status == EXIT_UNCONFIRMED) {
		if (o->message)
			printf("%s\n", o->message);
		print_confirms(o);
	}
	o->buf = NULL;		/* points into set */
	dmabuf_set_free(set);
	return o->status;
}

int cmd_revoke(int argc, char **argv)
{
	struct revoke_args a = { .fd = -1, .timeout = VERIFY_TIMEOUT_DEFAULT };
	struct outcome o = { .args = &a, .verify_ms = -1, .load_ms = -1, .was_revoked = -1 };
	double t0 = mono_ns() / 1e6;
	int status;

	cli_parse(&revoke_argp, argc, argv, &a);

	/* Irreversible: without a terminal to ask, only --yes may act. */
	if (!a.yes && !a.dry_run && (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))) {
		fail(&o, EXIT_ABORTED, 0, "revoke", "no terminal to confirm on; nothing changed");
		err_hint("add --yes to revoke without asking, or --dry-run to see what would happen");
		if (oopts.json)
			out_json_print(json_outcome(&o));
		status = o.status;
		goto cleanup;
	}
	status = revoke_run(&o, t0);

cleanup:
	free(o.message);
	revoke_confirms_free(o.confirms, o.nr_confirms);
	return status;
}
