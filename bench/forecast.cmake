# Forecast accuracy and speed against R's forecast package (bench/forecast/run_r.sh).
add_executable(bench_forecast ${CMAKE_CURRENT_LIST_DIR}/forecast/forecast_bench.cpp)
target_link_libraries(bench_forecast PRIVATE tidemark-engine tidemark_common)
target_compile_definitions(bench_forecast PRIVATE TIDEMARK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
