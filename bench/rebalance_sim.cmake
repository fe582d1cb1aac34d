# Predictive rebalancing against CockroachDB's reactive rule and a Citus-style
# disk-size rebalancer on one simulated cluster; planning time at 1,000 nodes
# x 1,000,000 partitions.
add_executable(bench_rebalance_sim ${CMAKE_CURRENT_LIST_DIR}/rebalance_sim.cpp ${CMAKE_CURRENT_LIST_DIR}/rebalance_sim_world.h)
target_link_libraries(bench_rebalance_sim PRIVATE tidemark-engine tidemark_common)
