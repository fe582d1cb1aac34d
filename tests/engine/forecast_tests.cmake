# Forecast tests (engine/forecast). Included from tests/engine/CMakeLists.txt.
find_package(nlohmann_json REQUIRED)
foreach(t tst_forecast_ets tst_forecast_facade tst_forecast_planner)
  tidemark_add_test(${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp ${CMAKE_CURRENT_LIST_DIR}/forecast_test_data.h
    LIBS tidemark-engine nlohmann_json::nlohmann_json LABELS unit)
endforeach()

# The Forecasts page (ui/forecast_page.*), offscreen on the demo.
find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets Charts)
tidemark_add_test(tst_forecast_page SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_forecast_page.cpp
  ${CMAKE_SOURCE_DIR}/tests/ui/ui_test_support.h ${CMAKE_SOURCE_DIR}/tests/ui/ui_test_support.cpp
  LIBS tidemark-ui tidemark-app-common tidemark-resources tidemark-test-support Qt6::Widgets Qt6::Charts
  LABELS ui TIMEOUT 300)
target_include_directories(tst_forecast_page PRIVATE ${CMAKE_SOURCE_DIR}/tests/ui)
add_dependencies(tst_forecast_page tidemark-cli tidemark-sqlite-plugin)
