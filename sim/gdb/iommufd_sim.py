# SPDX-License-Identifier: GPL-2.0
"""gdb helpers for iommufd-sim: pretty printers and commands.

Loaded automatically from the build tree (sim/iommufd-sim-gdb.py next to the
binary imports this file) once gdb trusts the build directory:

    add-auto-load-safe-path /path/to/build

or by hand:  source sim/gdb/iommufd_sim.py

Pretty printers
    struct xarray            its entries, index => entry
    struct iommufd_object    type, ID, users, wait_cnt
    struct iommufd_ctx       its objects, each shown as its own type
    struct io_pagetable      its areas (IOVA ranges, pins, locks)
    struct iopt_area         one area
    struct task_struct       a simulated thread: state, what it waits for,
                             the locks it holds
    struct mutex             owner
Commands
    kshim-threads            the simulated threads of the run
    kshim-log [N]            the simulated kernel's log (last N lines)
    kshim-report             the issues recorded so far (WARN, lockdep ...)
    iommufd-objects          every object of every open iommufd context
    iommufd-areas EXPR       the areas of an IOAS (struct iommufd_ioas *)
    scenario-handles         the running scenario's handles: names, values,
                             and for each iommufd its struct iommufd_ctx
"""

import gdb
import gdb.printing

# ---- helpers ----------------------------------------------------------------

OBJ_TYPES = {
    "IOMMUFD_OBJ_DEVICE": ("device", "struct iommufd_device"),
    "IOMMUFD_OBJ_HWPT_PAGING": ("hwpt_paging", "struct iommufd_hwpt_paging"),
    "IOMMUFD_OBJ_HWPT_NESTED": ("hwpt_nested", "struct iommufd_hwpt_nested"),
    "IOMMUFD_OBJ_IOAS": ("ioas", "struct iommufd_ioas"),
    "IOMMUFD_OBJ_ACCESS": ("access", "struct iommufd_access"),
    "IOMMUFD_OBJ_FAULT": ("fault", "struct iommufd_fault"),
    "IOMMUFD_OBJ_VIOMMU": ("viommu", "struct iommufd_viommu"),
    "IOMMUFD_OBJ_VDEVICE": ("vdevice", "struct iommufd_vdevice"),
    "IOMMUFD_OBJ_VEVENTQ": ("veventq", "struct iommufd_veventq"),
    "IOMMUFD_OBJ_HW_QUEUE": ("hw_queue", "struct iommufd_hw_queue"),
    "IOMMUFD_OBJ_SELFTEST": ("selftest", "struct iommufd_selftest"),
}

TASK_STATES = {0: "runnable", 1: "blocked", 2: "exited"}

BLOCK_KINDS = {
    0: "nothing", 1: "mutex", 2: "spinlock", 3: "rwsem (read)",
    4: "rwsem (write)", 5: "completion", 6: "wait queue", 7: "sleep",
    8: "thread exit", 9: "user-memory fault", 10: "barrier",
}


def lookup_type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        return None


def refcount(v):
    """The value of a refcount_t (struct { atomic_t refs; })."""
    try:
        return int(v["refs"]["counter"])
    except gdb.error:
        return int(v["refs"])


def cstr(v):
    try:
        if int(v) == 0:
            return "?"
        return v.string()
    except gdb.error:
        return "?"


def member_offset(t, member):
    """Byte offset of a (possibly dotted) member path in struct type @t."""
    off = 0
    for part in member.split("."):
        for f in t.strip_typedefs().fields():
            if f.name == part:
                off += f.bitpos // 8
                t = f.type
                break
        else:
            raise gdb.GdbError("no member %s" % member)
    return off


def comm(t):
    """The name of a task (struct task_struct or a pointer to one)."""
    if t.type.code == gdb.TYPE_CODE_PTR:
        t = t.dereference()
    return t["comm"][0].address.string()


def container_of(ptr, typename, member):
    t = lookup_type(typename)
    if t is None:
        return None
    off = member_offset(t, member)
    addr = int(ptr.cast(gdb.lookup_type("unsigned long"))) - off
    return gdb.Value(addr).cast(t.pointer())


def list_entries(head, typename, member):
    """Entries of a struct list_head, as pointers to @typename."""
    node = head["next"]
    end = head.address
    seen = 0
    while int(node) != int(end) and seen < 100000:
        yield container_of(node, typename, member)
        node = node["next"]
        seen += 1


def xa_entries(xa):
    """(index, entry) of every present entry of a struct xarray."""
    node_t = lookup_type("struct xa_node")
    head = xa["xa_head"]
    if int(head) == 0 or node_t is None:
        return
    chunk = node_t["slots"].type.range()[1] + 1

    def walk(node, base):
        shift = int(node["shift"])
        present = int(node["present"])
        for i in range(chunk):
            if not present & (1 << i):
                continue
            slot = node["slots"][i]
            idx = base + (i << shift)
            if shift == 0:
                yield idx, slot
            else:
                yield from walk(slot.cast(node_t.pointer()), idx)

    # The root's first index is 0: nodes are only ever added on top.
    yield from walk(head.cast(node_t.pointer()), 0)


def xa_entry_text(entry):
    v = int(entry.cast(gdb.lookup_type("unsigned long")))
    if v & 1:
        return "value %d" % (v >> 1)
    if v & 3 == 2:
        if (v >> 2) == 257:
            return "<reserved>"
        return "<internal %d>" % (v >> 2)
    return "0x%x" % v


def object_text(obj):
    """One line for a struct iommufd_object * (or value)."""
    if obj.type.code == gdb.TYPE_CODE_PTR:
        obj = obj.dereference()
    t = str(obj["type"])
    name = OBJ_TYPES.get(t, (t, None))[0]
    return "%s %d users=%d wait_cnt=%d" % (
        name, int(obj["id"]), refcount(obj["users"]), refcount(obj["wait_cnt"]))


def object_as_type(objptr):
    """The object as a pointer to its own struct, if known."""
    t = str(objptr.dereference()["type"])
    typename = OBJ_TYPES.get(t, (None, None))[1]
    if typename and lookup_type(typename):
        return objptr.cast(lookup_type(typename).pointer())
    return objptr


def rb_inorder(root_node):
    """struct rb_node * in order."""
    stack = []
    node = root_node
    while stack or int(node) != 0:
        while int(node) != 0:
            stack.append(node)
            node = node["rb_left"]
        node = stack.pop()
        yield node
        node = node["rb_right"]


def iopt_areas(iopt):
    area_t = lookup_type("struct iopt_area")
    root = iopt["area_itree"]["rb_root"]["rb_node"]
    for n in rb_inorder(root):
        # rb is the first member of the interval node, itself first.
        yield n.cast(area_t.pointer())


def area_text(a):
    if a.type.code == gdb.TYPE_CODE_PTR:
        a = a.dereference()
    text = "[0x%x-0x%x] accesses=%d locks=%d" % (
        int(a["node"]["start"]), int(a["node"]["last"]),
        int(a["num_accesses"]), int(a["num_locks"]))
    if int(a["prevent_access"]):
        text += " (being unmapped)"
    return text


def held_locks(t):
    k = t["kshim"]
    out = []
    for i in range(int(k["lock_depth"])):
        h = k["held"][i]
        m = h["map"]
        name = cstr(m["name"]) if int(m) else "?"
        out.append("%s%s (step %d)" % (name, " [read]" if int(h["read"]) else "",
                                       int(h["step"])))
    return out


def task_text(t):
    if t.type.code == gdb.TYPE_CODE_PTR:
        t = t.dereference()
    k = t["kshim"]
    state = TASK_STATES.get(int(k["state"]), str(k["state"]))
    text = "T%d %s/%d %s" % (int(k["ctl_index"]), comm(t),
                             int(t["pid"]), state)
    if int(k["state"]) == 1:
        b = k["blocked_on"]
        kind = BLOCK_KINDS.get(int(b["kind"]), str(b["kind"]))
        text += " on %s" % kind
        if int(b["name"]):
            text += " %s" % cstr(b["name"])
        if kind == "mutex" and int(b["obj"]):
            m = b["obj"].cast(lookup_type("struct mutex").pointer())
            if int(m["owner"]):
                text += " (held by %s)" % comm(m["owner"])
    locks = held_locks(t)
    if locks:
        text += "; holds " + ", ".join(locks)
    return text


def all_tasks():
    """Tasks of the controlled run, or of the world's task list."""
    try:
        ctl = gdb.parse_and_eval("kshim_ctl")
        n = int(ctl["ntasks"])
        if n:
            return [ctl["tasks"][i] for i in range(n)]
    except gdb.error:
        pass
    try:
        head = gdb.parse_and_eval("kshim_tasks")
        return list(list_entries(head, "struct task_struct", "kshim.node"))
    except gdb.error:
        return []


# ---- pretty printers -----------------------------------------------------------

class XarrayPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        n = sum(1 for _ in xa_entries(self.val))
        return "xarray with %d entr%s" % (n, "y" if n == 1 else "ies")

    def children(self):
        for idx, entry in xa_entries(self.val):
            yield "[%d]" % idx, xa_entry_text(entry)


class ObjectPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return object_text(self.val)


class CtxPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        n = sum(1 for _ in xa_entries(self.val["objects"]))
        return "iommufd_ctx with %d object%s" % (n, "" if n == 1 else "s")

    def children(self):
        objt = lookup_type("struct iommufd_object").pointer()
        for idx, entry in xa_entries(self.val["objects"]):
            if int(entry.cast(gdb.lookup_type("unsigned long"))) & 3:
                yield "[%d]" % idx, xa_entry_text(entry)
                continue
            obj = entry.cast(objt)
            typed = object_as_type(obj)
            yield "[%d]" % idx, "%s   (%s) 0x%x" % (object_text(obj),
                                                   typed.type, int(obj))


class IoptPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        n = sum(1 for _ in iopt_areas(self.val))
        return "io_pagetable with %d area%s" % (n, "" if n == 1 else "s")

    def children(self):
        for i, a in enumerate(iopt_areas(self.val)):
            yield "area %d" % i, area_text(a)


class AreaPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return area_text(self.val)


class TaskPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return task_text(self.val)


class MutexPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        owner = self.val["owner"]
        name = cstr(self.val["dep_map"]["name"])
        if int(owner):
            return "mutex %s held by %s" % (name, comm(owner))
        return "mutex %s unlocked" % name


def build_printers():
    pp = gdb.printing.RegexpCollectionPrettyPrinter("iommufd-sim")
    pp.add_printer("xarray", "^xarray$", XarrayPrinter)
    pp.add_printer("iommufd_object", "^iommufd_object$", ObjectPrinter)
    pp.add_printer("iommufd_ctx", "^iommufd_ctx$", CtxPrinter)
    pp.add_printer("io_pagetable", "^io_pagetable$", IoptPrinter)
    pp.add_printer("iopt_area", "^iopt_area$", AreaPrinter)
    pp.add_printer("task_struct", "^task_struct$", TaskPrinter)
    pp.add_printer("mutex", "^mutex$", MutexPrinter)
    return pp


# ---- commands ------------------------------------------------------------------

class KshimThreads(gdb.Command):
    """List the simulated threads: index, name, state, what each waits for,
the locks each holds, and the gdb thread that runs it."""

    def __init__(self):
        super().__init__("kshim-threads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb_threads = {}
        for th in gdb.selected_inferior().threads():
            gdb_threads.setdefault(th.name, []).append(th.num)
        tasks = all_tasks()
        if not tasks:
            print("no simulated threads (is a world running?)")
            return
        try:
            ctl = gdb.parse_and_eval("kshim_ctl")
            print("controlled run: step %d, %d threads" %
                  (int(ctl["step"]), int(ctl["ntasks"])))
        except gdb.error:
            pass
        for t in tasks:
            text = task_text(t)
            name = comm(t)
            nums = gdb_threads.get(name)
            if nums:
                text += "   [gdb thread %s]" % ",".join(str(n) for n in nums)
            print(text)


class KshimLog(gdb.Command):
    """Print the simulated kernel's log: kshim-log [LAST_N_LINES]."""

    def __init__(self):
        super().__init__("kshim-log", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            buf = gdb.parse_and_eval("'printk.c'::log_buf")
        except gdb.error:
            buf = gdb.parse_and_eval("log_buf")
        if int(buf) == 0:
            print("(the log is empty)")
            return
        text = buf["str"].string(length=int(buf["len"]))
        lines = text.splitlines()
        if arg.strip():
            lines = lines[-int(arg):]
        print("\n".join(lines))


class KshimReport(gdb.Command):
    """Print the issues recorded in the world's report so far."""

    def __init__(self):
        super().__init__("kshim-report", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        arr = gdb.parse_and_eval("'report.c'::report_issues")
        if int(arr) == 0 or int(arr["len"]) == 0:
            print("no issues")
            return
        issue_t = lookup_type("struct kshim_issue").pointer()
        for i in range(int(arr["len"])):
            issue = arr["pdata"][i].cast(issue_t).dereference()
            print("[%s] %s" % (str(issue["kind"]), cstr(issue["title"])))
            if int(issue["text"]):
                print(cstr(issue["text"]))


class IommufdObjects(gdb.Command):
    """List every object of every open iommufd context, with its references
counts; iommufd-objects -v also prints each object in full."""

    def __init__(self):
        super().__init__("iommufd-objects", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            head = gdb.parse_and_eval("'debug.c'::live_contexts")
        except gdb.error:
            head = gdb.parse_and_eval("live_contexts")
        objt = lookup_type("struct iommufd_object").pointer()
        n = 0
        for ctx in list_entries(head, "struct iommufd_ctx", "debug_node"):
            n += 1
            print("context (struct iommufd_ctx *) 0x%x" % int(ctx))
            for idx, entry in xa_entries(ctx["objects"]):
                if int(entry.cast(gdb.lookup_type("unsigned long"))) & 3:
                    print("  [%d] %s" % (idx, xa_entry_text(entry)))
                    continue
                obj = entry.cast(objt)
                print("  [%d] %s   (%s) 0x%x" % (
                    idx, object_text(obj), object_as_type(obj).type,
                    int(obj)))
                if arg.strip() == "-v":
                    print("      %s" % object_as_type(obj).dereference())
        if not n:
            print("no open iommufd context")


class IommufdAreas(gdb.Command):
    """iommufd-areas EXPR: the areas of an IOAS (struct iommufd_ioas *)
or of an io_pagetable."""

    def __init__(self):
        super().__init__("iommufd-areas", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        v = gdb.parse_and_eval(arg)
        if v.type.code == gdb.TYPE_CODE_PTR:
            v = v.dereference()
        if str(v.type.strip_typedefs()) == "struct iommufd_ioas":
            v = v["iopt"]
        for a in iopt_areas(v):
            print(area_text(a))


HANDLE_TYPES = [
    "none", "process", "iommufd", "buffer", "memfd", "ioas", "mapping",
    "mock device", "hwpt", "fault queue", "test access", "pinned item",
    "in-kernel access", "thread", "driver mutex", "viommu", "vdevice",
    "hw queue", "veventq",
]


def find_run():
    """The struct sc_run * of a scenario frame of the selected thread, or
    of any thread."""
    def in_thread():
        frame = gdb.newest_frame()
        while frame is not None:
            try:
                v = frame.read_var("run")
                if "sc_run" in str(v.type):
                    return v if v.type.code == gdb.TYPE_CODE_PTR else v.address
            except (ValueError, gdb.error):
                pass
            frame = frame.older()
        return None

    run = in_thread()
    if run is not None:
        return run
    cur = gdb.selected_thread()
    try:
        for th in gdb.selected_inferior().threads():
            th.switch()
            run = in_thread()
            if run is not None:
                return run
    finally:
        cur.switch()
    return None


class ScenarioHandles(gdb.Command):
    """List the running scenario's handles: name, type, values; for an
iommufd, the address of its struct iommufd_ctx (print it: the context's
objects appear each as its own type)."""

    def __init__(self):
        super().__init__("scenario-handles", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        run = find_run()
        if run is None:
            print("no scenario run on the stack of any thread")
            return
        run = run.dereference()
        handles = run["sc"]["handles"].dereference()
        hdl_t = lookup_type("struct sc_handle").pointer()
        print("scenario step %d" % int(run["step"]))
        for i in range(int(handles["len"])):
            hd = handles["pdata"][i].cast(hdl_t).dereference()
            rt = run["h"][i]
            t = int(hd["type"])
            tname = HANDLE_TYPES[t] if t < len(HANDLE_TYPES) else str(t)
            name = hd["name"].string()
            if not int(rt["live"]):
                print("  %-12s %-16s (not created)" % (name, tname))
                continue
            vals = " ".join("0x%x" % int(rt["v"][k]) for k in range(3)
                            if int(rt["v"][k]))
            extra = ""
            if tname == "iommufd" and int(rt["ptr"]):
                extra = "  (struct iommufd_ctx *) 0x%x" % int(rt["ptr"])
            elif tname == "in-kernel access" and int(rt["ptr"]):
                extra = "  (struct iommufd_access *) 0x%x" % int(rt["ptr"])
            print("  %-12s %-16s %s%s" % (name, tname, vals, extra))


def register(objfile=None):
    gdb.printing.register_pretty_printer(objfile, build_printers(),
                                         replace=True)


register(gdb.current_objfile())
KshimThreads()
KshimLog()
KshimReport()
IommufdObjects()
IommufdAreas()
ScenarioHandles()
