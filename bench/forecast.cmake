# Forecast accuracy and speed against R's forecast package (bench/forecast/run_r.sh).
add_executable(bench_forecast ${CMAKE_CURRENT_LIST_DIR}/forecast/forecast_bench.cpp)
target_link_libraries(bench_forecast PRIVATE tidemark-engine tidemark_common)
target_compile_definitions(bench_forecast PRIVATE TIDEMARK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
# Forecast speed on the pre-backup planner's path (forecastWritesUntilBackup),
# per series and for `tidemark-cli plan` on a store of 1,000 partitions.
add_executable(bench_forecast_planner ${CMAKE_CURRENT_LIST_DIR}/forecast/planner_bench.cpp
  ${CMAKE_CURRENT_LIST_DIR}/forecast/partition_history.h)
find_package(nlohmann_json 3.2 REQUIRED)
target_link_libraries(bench_forecast_planner PRIVATE tidemark-engine tidemark_common nlohmann_json::nlohmann_json)
