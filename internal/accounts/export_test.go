package accounts

// DBErrors is what the tests check of the store's translation.
var DBErrors = dbErrors
