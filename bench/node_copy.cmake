# Copy of a partition to another node: `tidemark-cli copy` throughput against
# pgcopydb and logical replication's initial sync, the write stall of
# `tidemark-cli move` at two sizes, and the chunk verification pass.
if(TARGET tidemark-connector-postgres AND TARGET tidemark-test-support)
  add_executable(bench_node_copy ${CMAKE_CURRENT_LIST_DIR}/node_copy.cpp)
  target_link_libraries(bench_node_copy PRIVATE tidemark-connector-postgres tidemark-test-support tidemark_common
    Qt6::Core Qt6::Test fmt::fmt)
  add_dependencies(bench_node_copy tidemark-cli tidemark-postgres-plugin)
endif()
