# Rebalancing tests (engine/rebalance). Included from tests/engine/CMakeLists.txt.
foreach(t tst_rebalance_ring tst_rebalance_planner)
  tidemark_add_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS tidemark-engine LABELS unit)
endforeach()
