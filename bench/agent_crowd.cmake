# Agent status round trip under a crowd of connections against the idle agent.
add_executable(bench_agent_crowd ${CMAKE_CURRENT_LIST_DIR}/agent_crowd.cpp)
target_link_libraries(bench_agent_crowd PRIVATE tidemark-engine tidemark_common)
