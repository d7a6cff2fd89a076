# demo.mk — `make demo`: the main job on the bundled Do-Not-Answer data.
#
# Builds the extension, then tests/run_demo.sh creates $(BUILD)/demo.db from
# scratch with sql/demo.sql (schema, import, held-out reference set, 20,000
# placeholder task rows), prints the method comparison at three budgets and
# the pss-b bar chart, and writes $(BUILD)/demo/selected.jsonl.  Afterwards:
#   sqlite3 build/demo.db
#   .load ./build/safety_sample
#   SELECT * FROM safety_sample('pss-b', 0.0005);
# The sqlite3 shell is one of the packages `make deps` installs.

demo: all
	@bash tests/run_demo.sh $(BUILD)/safety_sample $(BUILD)
