/* Privileges the caller lacks: a file capability (setcap cap_sys_ptrace+ep)
 * or a set-user-id or set-group-id bit, which the kernel reports as
 * AT_SECURE. With CAP_SYS_PTRACE the kernel lets austinc read every process
 * on the machine; this module holds it to what its caller could read
 * without it.
 *
 * Copyright (C) 2026 The austinc authors. GPL-3.0-or-later.
 *
 * The rule: austinc reads a process only when its real, effective and saved
 * user ids all equal the caller's real user id, its three group ids the
 * caller's real group id, and it is not marked non-dumpable: the kernel's
 * own test for tracing without CAP_SYS_PTRACE (ptrace(2), "Ptrace access
 * mode checking"). A root caller, and a run without AT_SECURE, are not
 * limited: every function here then lets everything through and makes no
 * system call. Every way of choosing a process (-p, -w, a launched
 * command, -C descendants, and any selector to come, such as a pidfile or
 * a name pattern) goes through privilege_admit before its memory is read. */
#ifndef AUSTINC_PRIVILEGE_H
#define AUSTINC_PRIVILEGE_H

#include <stddef.h>
#include <sys/types.h>

/* A process's real, effective and saved ids, in that order. */
struct privilege_ids {
	uid_t uid[3];
	gid_t gid[3];
};

/* What the rule says of a process. */
enum privilege_rule {
	PRIVILEGE_OWN,          /* the caller's own: it may be read */
	PRIVILEGE_OTHER_USER,   /* a user id is not the caller's */
	PRIVILEGE_OTHER_GROUP,  /* a group id is not the caller's */
	PRIVILEGE_NOT_DUMPABLE, /* the kernel keeps its owner out too */
};

enum privilege_verdict {
	PRIVILEGE_ALLOWED,
	PRIVILEGE_REFUSED, /* why names the process, its owner and the reason */
	PRIVILEGE_GONE,    /* exited, or a zombie: nothing to read */
};

/* A process admitted under privilege, watched for a change of owner (it
 * exec'd a set-user-id program, changed its ids, became non-dumpable) or
 * its end, so that its PID cannot be read once it names another process. */
struct privilege_watch {
	int fd;    /* its /proc/PID, or -1: not watched */
	uid_t uid; /* the owner of that file when admitted */
	gid_t gid;
};

/* At start-up, before anything else: find out whether austinc runs with
 * privileges its caller lacks, and if so keep only CAP_SYS_PTRACE: the
 * user and group ids all become the caller's real ones (so files, the
 * output among them, are opened with the caller's rights) and every other
 * capability is dropped. Returns 0, or -1 after a message on stderr when
 * they cannot be dropped. */
int privilege_init(void);

/* Is austinc limited to the caller's own processes? */
int privilege_limited(void);

/* getenv, but nothing under privilege: the caller's environment does not
 * steer a privileged austinc. */
const char *privilege_getenv(const char *name);

/* May austinc read pid? Under privilege, judges /proc/PID/status; with w
 * non-NULL an admitted process's /proc/PID stays open there for
 * privilege_watch_check, else w->fd is -1. */
enum privilege_verdict privilege_admit(pid_t pid, struct privilege_watch *w,
                                       char *why, size_t len);

/* May pid, admitted into w, still be read? Cheap enough for every tick: one
 * fstatat of its status file, which the kernel shows as root's once the
 * process is non-dumpable, as another user's once its effective ids
 * change, and not at all once it is gone. With full set the ids are read
 * again as well (off the tick: the real and saved ids can change without
 * the owner changing). No system call when w->fd is -1. */
enum privilege_verdict privilege_watch_check(const struct privilege_watch *w,
                                             pid_t pid, int full, char *why,
                                             size_t len);

void privilege_watch_close(struct privilege_watch *w);

/* In a launched command's child, before exec: under privilege, drop every
 * capability (the ids are the caller's already), so the command runs with
 * its caller's credentials alone. Returns 0 or -1 with errno set: the
 * command must not run then. */
int privilege_drop_for_exec(void);

/* The rule itself, pure. */
enum privilege_rule privilege_judge(uid_t caller_uid, gid_t caller_gid,
                                    const struct privilege_ids *target,
                                    int dumpable);

/* The Uid: and Gid: lines and the state letter of a /proc/PID/status text.
 * Returns 0, or -1 when a line is missing or malformed. */
int privilege_parse_status(const char *text, struct privilege_ids *ids,
                           char *state);

#endif
