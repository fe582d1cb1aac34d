# Policy and agent tests (engine/policy, engine/agent, engine/planner/postbackup_planner).
# Included from tests/engine/CMakeLists.txt.
# Every listed test must exist: a missing file fails the configure.
foreach(t tst_policy tst_policy_postbackup tst_agent_protocol)
  tidemark_add_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS tidemark-engine LABELS unit)
endforeach()
