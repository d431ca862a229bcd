// Package fake is a client package for callstest's own test.
package fake

// Client is a fake client.
type Client struct{}

// List makes a call.
func (c *Client) List() {}

// Create makes a call.
func (c *Client) Create() {}

// Name makes none.
func (c *Client) Name() string { return "" }

// unexported methods are not checked.
func (c *Client) helper() {}

// Other is not a client type.
type Other struct{}

// Ignored is on a type that is not checked.
func (Other) Ignored() {}
