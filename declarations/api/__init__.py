"""REST API of declarations for traders, and the API's shared plumbing.

- ``errors``: the one error shape (``exception_handler``, ``InvalidInput``, ``InvalidQuery``);
- ``parsing``: strict JSON and WCO DM XML bodies, the XML renderer;
- ``base``: ``ApiView``, ``TraderApiView``, paging and query filters;
- ``schema``: documented error responses and examples for the OpenAPI schema;
- ``declarations``: the trader's declaration endpoints;
- ``auth``: the token endpoint and the API's 404.
"""
