# Pre-backup planning time against the Citus rebalancer anchor.
add_executable(bench_planning_time ${CMAKE_CURRENT_LIST_DIR}/planning_time.cpp)
target_link_libraries(bench_planning_time PRIVATE tidemark-engine tidemark_common)
