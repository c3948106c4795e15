/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/sched/task.h - task references.
 *
 * Contract
 *   Kept:    get_task_struct()/put_task_struct() keep a task_struct alive;
 *            iommufd holds the group leader of the process that mapped
 *            memory to read its RLIMIT_MEMLOCK later.
 *   Dropped: everything about forking and exiting tasks.
 *   Added:   the group leader of a simulated process (kshim/process.h) is
 *            counted: the process's structure (leader, limits, credentials)
 *            lives until the last reference is put, even after the process
 *            exited.  Other tasks (threads started with kshim_thread_run()
 *            or adopted) live until they are joined or exit, so get/put on
 *            them do nothing.
 */
#ifndef _KSHIM_LINUX_SCHED_TASK_H
#define _KSHIM_LINUX_SCHED_TASK_H

#include <linux/sched.h>

struct task_struct *get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);

#endif /* _KSHIM_LINUX_SCHED_TASK_H */
