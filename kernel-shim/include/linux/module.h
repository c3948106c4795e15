/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/module.h - module entry points.
 *
 * Contract
 *   Kept:    module_init(fn) runs fn when the "kernel" starts and
 *            module_exit(fn) when it stops; MODULE_* tags are accepted.
 *   Dropped: loading and unloading at will, symbol exports, namespaces,
 *            module reference counts (THIS_MODULE is NULL).
 *   Added:   the kernel is the world (kshim/world.h): every built-in module
 *            is initialised when a world begins and torn down when it ends,
 *            so each test or scenario run starts from freshly initialised
 *            subsystems.
 */
#ifndef _KSHIM_LINUX_MODULE_H
#define _KSHIM_LINUX_MODULE_H

#include <kshim/world.h>

#define THIS_MODULE		((void *)0)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define MODULE_ALIAS(x)
#define MODULE_ALIAS_MISCDEV(x)
#define MODULE_IMPORT_NS(x)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_NS_GPL(x, ns)
#define __init
#define __exit

/* Module init errors are fatal for the world: a WARN is recorded. */
void kshim_module_init_failed(const char *fn, int err);

#define module_init(initfn)						\
	static void __kshim_modinit_##initfn(void)			\
	{								\
		int __err = initfn();					\
		if (__err)						\
			kshim_module_init_failed(#initfn, __err);	\
	}								\
	KSHIM_WORLD_HOOK(__kshim_modinit_hook_##initfn,			\
		.name = #initfn, .prio = KSHIM_PRIO_MODULE,				\
		.begin = __kshim_modinit_##initfn)

#define module_exit(exitfn)						\
	KSHIM_WORLD_HOOK(__kshim_modexit_hook_##exitfn,			\
		.name = #exitfn, .prio = KSHIM_PRIO_MODULE,	\
		.end = exitfn)

#endif /* _KSHIM_LINUX_MODULE_H */
