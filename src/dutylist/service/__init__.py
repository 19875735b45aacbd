"""The whistle desk: the engine's answers and the store's log put together, with the
rules of who may do what. The command line and the HTTP service are both its clients;
neither knows how a case is routed or how an event is stored."""
