# Scan and plan at 1,000 and 10,000 partitions: `tidemark-cli scan` and
# `tidemark-cli plan` timed as processes against a private PostgreSQL and the
# SQLite demo, with the plan's SQL bytes and the store's growth per plan.
if(TARGET tidemark-connector-postgres AND TARGET tidemark-test-support)
  add_executable(bench_scan_plan_scale ${CMAKE_CURRENT_LIST_DIR}/scan_plan_scale.cpp)
  target_link_libraries(bench_scan_plan_scale PRIVATE tidemark-connector-postgres tidemark-test-support tidemark_common
    Qt6::Core Qt6::Test fmt::fmt)
  add_dependencies(bench_scan_plan_scale tidemark-cli tidemark-postgres-plugin tidemark-sqlite-plugin)
endif()
