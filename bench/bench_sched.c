// SPDX-License-Identifier: GPL-2.0
/*
 * bench-sched: complete controlled executions per second.
 *
 * The program: two simulated threads, each taking and releasing a mutex
 * 50 times around a counter update with a cond_resched() in between (about
 * 300 scheduling points per execution, measured and printed).  Every
 * execution is a fresh controlled world run in-process.
 *
 * The floor, measured in the same run, is the same work done by the same
 * code in free-run mode on one thread: what the program costs without any
 * scheduling.  Printed: executions/s per scheduler, ns per scheduling
 * decision, and the ratio of an execution to the floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <kshim/sched.h>
#include <kshim/world.h>

#define ITERS	50

struct shared {
	struct mutex lock;
	unsigned long counter;
};

static int worker(void *data)
{
	struct shared *s = data;
	int i;

	for (i = 0; i < ITERS; i++) {
		mutex_lock(&s->lock);
		s->counter++;
		mutex_unlock(&s->lock);
		cond_resched();
	}
	return 0;
}

static int program(void *arg)
{
	struct shared s = { .counter = 0 };
	struct task_struct *a, *b;

	mutex_init(&s.lock);
	a = kshim_thread_run(worker, &s, "a");
	b = kshim_thread_run(worker, &s, "b");
	kshim_thread_join(a);
	kshim_thread_join(b);
	return s.counter == 2 * ITERS ? 0 : 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One execution's work without a scheduler: both workers in a row. */
static double floor_per_exec(unsigned long reps)
{
	struct shared s = { .counter = 0 };
	unsigned long r;
	double t0, t;

	kshim_world_begin(NULL);
	mutex_init(&s.lock);
	t0 = now();
	for (r = 0; r < reps; r++) {
		worker(&s);
		worker(&s);
	}
	t = (now() - t0) / reps;
	kshim_world_end();
	return t;
}

static void bench(enum kshim_sched_kind kind, double seconds, double floor)
{
	struct kshim_sched_config cfg = { .kind = kind, .pct_steps = 300 };
	unsigned long runs = 0, steps = 0, failed = 0;
	struct kshim_run_result res;
	double t0 = now(), t;

	do {
		cfg.seed = runs;
		kshim_run_controlled(program, NULL, &cfg, false, &res);
		steps += res.steps;
		failed += res.status != KSHIM_RUN_PASS;
		kshim_run_result_free(&res);
		runs++;
	} while (now() - t0 < seconds);
	t = now() - t0;
	printf("%-7s %8.0f executions/s  %6.0f steps/execution  %7.0f ns/decision  %7.1f us/execution  ratio to floor %6.0fx%s\n",
	       kshim_sched_kind_name(kind), runs / t, (double)steps / runs,
	       t * 1e9 / steps, t * 1e6 / runs, t / runs / floor,
	       failed ? "  (FAILED RUNS)" : "");
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	double floor = floor_per_exec(20000);

	printf("bench-sched: 2 threads x %d lock/unlock/resched, in-process runs, %.1f s per scheduler\n",
	       ITERS, seconds);
	printf("floor (same work, one free-run thread): %.2f us/execution\n",
	       floor * 1e6);
	bench(KSHIM_SCHED_RR, seconds, floor);
	bench(KSHIM_SCHED_PCT, seconds, floor);
	bench(KSHIM_SCHED_RANDOM, seconds, floor);
	return 0;
}
