/*
 * labels.c — behaviour type and stage names (labels.h).
 */
#include "labels.h"

#include "select.h"

static const char *const behavior_names[5] = {NULL, "T1", "T2", "T3", "T4"};

int behavior_code(const char *text, size_t len) {
  if (text == NULL || len != 2 || (text[0] != 'T' && text[0] != 't'))
    return -1;
  return (text[1] >= '1' && text[1] <= '4') ? text[1] - '0' : -1;
}

const char *behavior_name(int code) {
  return code >= BEHAVIOR_T1 && code <= BEHAVIOR_T4 ? behavior_names[code]
                                                    : NULL;
}

int behavior_of_flags(int harmful, int refusal) {
  static const int types[2][2] = {{BEHAVIOR_T3, BEHAVIOR_T4},
                                  {BEHAVIOR_T2, BEHAVIOR_T1}};
  return types[harmful != 0][refusal != 0];
}

const char *stage_name(int stage) {
  return stage == STAGE_CATEGORY ? "category"
         : stage == STAGE_FILL   ? "fill"
                                 : "contrast";
}
