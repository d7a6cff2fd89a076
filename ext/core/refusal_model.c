/*
 * refusal_model.c — compiles the refusal detector's weights (refusal.c
 * reads them through refusal_model.h).  The weights themselves are the
 * generated data table refusal_model.inc, written by
 * `python3 tests/refusal/train.py`; tests/sh/refusal_model.sh regenerates
 * it and fails unless it is byte for byte the committed file.
 */
#include "refusal_model.inc"
