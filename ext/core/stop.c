/*
 * stop.c — the calling thread's stop check (stop.h).
 */
#include "stop.h"

#include <stddef.h>

_Thread_local CoreStop *core_stop_current;

CoreStop *core_stop_swap(CoreStop *s) {
  CoreStop *before = core_stop_current;
  core_stop_current = s;
  return before;
}
