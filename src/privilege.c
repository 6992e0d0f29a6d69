/* Privileges the caller lacks: hold austinc to the caller's own processes.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later. */
#include "privilege.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#define NAME_MAX_LEN 64
/* /proc/PID/status is some 1.5 KiB; the lines read are near its top. */
#define STATUS_MAX 4096

static struct {
	int limited;
	uid_t uid; /* the caller's real ids */
	gid_t gid;
	char privileges[NAME_MAX_LEN + 32]; /* "cap_sys_ptrace" */
	char caller[NAME_MAX_LEN];          /* "nobody" */
} state;

/* A user's name (else "uid N"), or with group a group's (else "gid N"). */
static void id_name(int group, unsigned id, char *buf, size_t len)
{
	struct passwd pw, *user = NULL;
	struct group gr, *grp = NULL;
	char scratch[1024];
	const char *name = NULL;
	if (group && getgrgid_r(id, &gr, scratch, sizeof scratch, &grp) == 0 &&
	    grp)
		name = grp->gr_name;
	else if (!group &&
	         getpwuid_r(id, &pw, scratch, sizeof scratch, &user) == 0 &&
	         user)
		name = user->pw_name;
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s %u", group ? "gid" : "uid", id);
}

/* capget(2) and capset(2) for this process, through the raw system calls:
 * two 32-bit words per set. */
static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3,
	                                          0};
	return (int)syscall(SYS_capget, &header, data);
}

static int caps_set(uint32_t effective, uint32_t permitted)
{
	struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3,
	                                          0};
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	data[0].effective = effective;
	data[0].permitted = permitted;
	return (int)syscall(SYS_capset, &header, data);
}

#define SYS_PTRACE_BIT (1u << CAP_SYS_PTRACE)

/* What lifts austinc above its caller, for the messages. */
static void describe_privileges(void)
{
	char name[NAME_MAX_LEN];
	struct __user_cap_data_struct caps[2];
	if (geteuid() != getuid()) {
		id_name(0, geteuid(), name, sizeof name);
		snprintf(state.privileges, sizeof state.privileges,
		         "set-user-id %s", name);
	} else if (getegid() != getgid()) {
		id_name(1, getegid(), name, sizeof name);
		snprintf(state.privileges, sizeof state.privileges,
		         "set-group-id %s", name);
	} else if (caps_get(caps) == 0 && caps[0].effective == SYS_PTRACE_BIT &&
	           !caps[1].effective) {
		snprintf(state.privileges, sizeof state.privileges,
		         "cap_sys_ptrace");
	} else {
		snprintf(state.privileges, sizeof state.privileges,
		         "file capabilities");
	}
}

/* Become the caller, plus CAP_SYS_PTRACE if austinc was given it (or runs
 * set-user-id root): ids first, keeping the capabilities across the change
 * of user, then every capability but that one. The ids are checked after,
 * not trusted. */
static int become_caller(void)
{
	uid_t u = state.uid, ru, eu, su;
	gid_t g = state.gid, rg, eg, sg;
	struct __user_cap_data_struct caps[2];
	if (setresgid(g, g, g) || prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) ||
	    setresuid(u, u, u) || prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) ||
	    caps_get(caps))
		return -1;
	uint32_t keep = caps[0].permitted & SYS_PTRACE_BIT;
	if (caps_set(keep, keep))
		return -1;
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg))
		return -1;
	if (ru != u || eu != u || su != u || rg != g || eg != g || sg != g) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int privilege_init(void)
{
	/* Root is not limited; nor is a run the kernel did not mark as
	 * privileged. */
	if (!getauxval(AT_SECURE) || getuid() == 0)
		return 0;
	state.limited = 1;
	state.uid = getuid();
	state.gid = getgid();
	id_name(0, state.uid, state.caller, sizeof state.caller);
	describe_privileges();
	if (become_caller() == 0)
		return 0;
	log_error("cannot give up the privileges (%s) that its caller (%s) "
	          "does not have: %s",
	          state.privileges, state.caller, strerror(errno));
	return -1;
}

int privilege_limited(void)
{
	return state.limited;
}

const char *privilege_getenv(const char *name)
{
	return state.limited ? NULL : getenv(name);
}

/* The value of "Key:" at the start of a line of text, or NULL. */
static const char *field(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *line = text; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, key, n) == 0)
			return line + n;
	}
	return NULL;
}

/* Three decimal ids after a key, each after tabs or spaces; -1 unless all
 * three are there. */
static int three_ids(const char *text, const char *key, unsigned ids[3])
{
	const char *at = field(text, key);
	for (int i = 0; at && i < 3; i++) {
		size_t gap = strspn(at, " \t");
		if (gap == 0 || !isdigit((unsigned char)at[gap]))
			return -1;
		at += gap;
		unsigned long long v = 0;
		for (; isdigit((unsigned char)*at); at++)
			if ((v = v * 10 + (unsigned)(*at - '0')) > (unsigned)-1)
				return -1;
		ids[i] = (unsigned)v;
	}
	return at && strchr(" \t\n", *at) ? 0 : -1;
}

int privilege_parse_status(const char *text, struct privilege_ids *ids,
                           char *state_letter)
{
	unsigned u[3], g[3];
	const char *st = field(text, "State:");
	if (!st || three_ids(text, "Uid:", u) || three_ids(text, "Gid:", g))
		return -1;
	st += strspn(st, " \t");
	if (*st < 'A' || *st > 'Z')
		return -1;
	*state_letter = *st;
	for (int i = 0; i < 3; i++) {
		ids->uid[i] = (uid_t)u[i];
		ids->gid[i] = (gid_t)g[i];
	}
	return 0;
}

enum privilege_rule privilege_judge(uid_t caller_uid, gid_t caller_gid,
                                    const struct privilege_ids *target,
                                    int dumpable)
{
	for (int i = 0; i < 3; i++)
		if (target->uid[i] != caller_uid)
			return PRIVILEGE_OTHER_USER;
	for (int i = 0; i < 3; i++)
		if (target->gid[i] != caller_gid)
			return PRIVILEGE_OTHER_GROUP;
	return dumpable ? PRIVILEGE_OWN : PRIVILEGE_NOT_DUMPABLE;
}

/* "process 123 (owned by root): austinc runs with privileges ..." */
static void explain(char *why, size_t len, pid_t pid, enum privilege_rule r,
                    const struct privilege_ids *ids)
{
	char owner[NAME_MAX_LEN], detail[128];
	id_name(0, ids->uid[1], owner, sizeof owner);
	if (r == PRIVILEGE_OTHER_USER)
		snprintf(detail, sizeof detail,
		         "its real, effective and saved user ids are %u, %u, "
		         "%u",
		         (unsigned)ids->uid[0], (unsigned)ids->uid[1],
		         (unsigned)ids->uid[2]);
	else if (r == PRIVILEGE_OTHER_GROUP)
		snprintf(detail, sizeof detail,
		         "its real, effective and saved group ids are %u, "
		         "%u, %u",
		         (unsigned)ids->gid[0], (unsigned)ids->gid[1],
		         (unsigned)ids->gid[2]);
	else
		snprintf(detail, sizeof detail, "it is marked non-dumpable");
	snprintf(why, len,
	         "process %d (owned by %s): austinc runs with privileges (%s) "
	         "that its caller (%s) does not have, and may only read the "
	         "caller's own processes (%s)",
	         (int)pid, owner, state.privileges, state.caller, detail);
}

/* Judge the process whose /proc/PID directory dir is. Whether it is
 * dumpable shows in who owns its /proc files: the kernel makes them the
 * root's (of the user namespace of its memory) once it is not, whatever
 * its ids, and otherwise its effective user's and group's
 * (task_dump_owner() in fs/proc/base.c; /proc/PID itself is exempt, so a
 * file in it is asked). A non-dumpable process in a user namespace whose
 * root is the caller shows as the caller's: the caller holds
 * CAP_SYS_PTRACE over that namespace and could trace it anyway. A zombie
 * has no memory, and its files are root's: it is gone. */
static enum privilege_verdict judge(int dir, pid_t pid, char *why, size_t len,
                                    struct stat *owner)
{
	char text[STATUS_MAX], letter;
	struct privilege_ids ids;
	int fd = openat(dir, "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PRIVILEGE_GONE; /* ESRCH: it has exited */
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	int unseen = n <= 0 || fstat(fd, owner);
	close(fd);
	if (unseen)
		return PRIVILEGE_GONE;
	text[n] = '\0';
	if (privilege_parse_status(text, &ids, &letter)) {
		snprintf(why, len,
		         "process %d: austinc runs with privileges (%s) that "
		         "its caller (%s) does not have, and cannot read who "
		         "owns this one",
		         (int)pid, state.privileges, state.caller);
		return PRIVILEGE_REFUSED;
	}
	if (letter == 'Z' || letter == 'X')
		return PRIVILEGE_GONE;
	int dumpable =
	        owner->st_uid == ids.uid[1] && owner->st_gid == ids.gid[1];
	enum privilege_rule r =
	        privilege_judge(state.uid, state.gid, &ids, dumpable);
	if (r == PRIVILEGE_OWN)
		return PRIVILEGE_ALLOWED;
	explain(why, len, pid, r, &ids);
	return PRIVILEGE_REFUSED;
}

/* The judgement is made through a held-open /proc/PID directory, which
 * keeps naming the same process if its PID is reused: its files are found
 * no more once that process is gone, never a newcomer's. A file's owner
 * is brought up to date when the file is looked up by name, not while it
 * is held open (an fstat of an open status file shows the owner of the
 * time it was opened), so the watch looks "status" up again each time.
 * What no check can close is the time between the check and the reads
 * that follow it: a process that exec's a set-user-id program in between
 * is read once more, at the addresses of its previous program. */
enum privilege_verdict privilege_admit(pid_t pid, struct privilege_watch *w,
                                       char *why, size_t len)
{
	struct stat owner;
	char path[64];
	if (w)
		w->fd = -1;
	if (!state.limited)
		return PRIVILEGE_ALLOWED;
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	int dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return PRIVILEGE_GONE;
	enum privilege_verdict v = judge(dir, pid, why, len, &owner);
	if (v != PRIVILEGE_ALLOWED || !w) {
		close(dir);
		return v;
	}
	*w = (struct privilege_watch){dir, owner.st_uid, owner.st_gid};
	return v;
}

enum privilege_verdict privilege_watch_check(const struct privilege_watch *w,
                                             pid_t pid, int full, char *why,
                                             size_t len)
{
	struct stat owner;
	if (w->fd < 0)
		return PRIVILEGE_ALLOWED;
	if (!full && fstatat(w->fd, "status", &owner, 0) == 0 &&
	    owner.st_uid == w->uid && owner.st_gid == w->gid)
		return PRIVILEGE_ALLOWED;
	enum privilege_verdict v = judge(w->fd, pid, why, len, &owner);
	if (v == PRIVILEGE_ALLOWED &&
	    (owner.st_uid != w->uid || owner.st_gid != w->gid))
		return PRIVILEGE_GONE; /* not as admitted: let it go */
	return v;
}

void privilege_watch_close(struct privilege_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int privilege_drop_for_exec(void)
{
	if (!state.limited)
		return 0;
	/* Ambient capabilities would survive exec; the others do not, but
	 * the command is to have none at all, from its first instruction. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L);
	if (caps_set(0, 0))
		return -1;
	/* austinc itself is non-dumpable (the kernel made it so for its
	 * privileges), and an exec'd program inherits that until the kernel
	 * re-decides late in exec: with no capability left, the command is
	 * the caller's to read from the start. */
	return prctl(PR_SET_DUMPABLE, 1L, 0L, 0L, 0L) ? -1 : 0;
}
