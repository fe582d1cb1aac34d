# Records R's forecast::ets() and auto.arima() answers for the known-answer
# tests (tests/engine/tst_forecast_ets.cpp, tst_forecast_arima.cpp).
# Run: Rscript tests/data/forecast/record_reference.R > tests/data/forecast/r_reference.json
suppressMessages(library(forecast))
series <- list(AirPassengers = AirPassengers, UKgas = UKgas, nottem = nottem, lynx = lynx,
               WWWusage = WWWusage, USAccDeaths = USAccDeaths, ldeaths = ldeaths, co2 = co2,
               JohnsonJohnson = JohnsonJohnson, Nile = Nile, austres = austres)
num <- function(x) format(x, digits = 15, scientific = FALSE, trim = TRUE)
items <- c()
for (nm in names(series)) {
  y <- series[[nm]]
  e <- ets(y)
  a <- auto.arima(y)
  ord <- arimaorder(a)
  if (length(ord) == 3) ord <- c(ord, 0, 0, 0, frequency(y))
  items <- c(items, sprintf(paste0(
    '{"name": "%s", "period": %d, "r_version": "%s", "forecast_version": "%s",\n',
    ' "ets_command": "ets(%s)", "ets_method": "%s", "ets_loglik": %s, "ets_aicc": %s, "ets_sigma2": %s,\n',
    ' "arima_command": "auto.arima(%s)", "arima_order": [%s], "arima_drift": %s, "arima_mean": %s, "arima_loglik": %s, "arima_aicc": %s,\n',
    ' "values": [%s]}'),
    nm, frequency(y), R.version.string, as.character(packageVersion("forecast")),
    nm, e$method, num(e$loglik), num(e$aicc), num(e$sigma2),
    nm, paste(ord, collapse = ", "), tolower(as.character("drift" %in% names(coef(a)))),
    tolower(as.character("intercept" %in% names(coef(a)))), num(a$loglik), num(a$aicc),
    paste(num(as.numeric(y)), collapse = ", ")))
}
cat("[\n", paste(items, collapse = ",\n"), "\n]\n", sep = "")
