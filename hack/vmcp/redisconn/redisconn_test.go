package redisconn

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	cases := map[string]struct {
		cfg  *Config
		want string // substring of the error; empty for none
	}{
		"nil":            {nil, "nil"},
		"empty":          {&Config{}, "required"},
		"standalone":     {&Config{Addr: "r:6379"}, ""},
		"cluster":        {&Config{Addr: "r:6379", ClusterMode: true}, ""},
		"both":           {&Config{Addr: "r:6379", SentinelConfig: &SentinelConfig{MasterName: "m", SentinelAddrs: []string{"s:26379"}}}, "not both"},
		"sentinel":       {&Config{SentinelConfig: &SentinelConfig{MasterName: "m", SentinelAddrs: []string{"s:26379"}}}, ""},
		"no master":      {&Config{SentinelConfig: &SentinelConfig{SentinelAddrs: []string{"s:26379"}}}, "master name"},
		"no sentinels":   {&Config{SentinelConfig: &SentinelConfig{MasterName: "m"}}, "sentinel address"},
		"cert, no key":   {&Config{Addr: "r:6379", TLS: &TLSConfig{ClientCert: []byte("x")}}, "go together"},
		"sentinel stray": {&Config{SentinelConfig: &SentinelConfig{MasterName: "m", SentinelAddrs: []string{"s:1"}}, SentinelTLS: &TLSConfig{ClientKey: []byte("x")}}, "sentinel TLS"},
	}
	for name, tc := range cases {
		err := tc.cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}

func TestBuildTLSConfig(t *testing.T) {
	if c, err := BuildTLSConfig(nil); c != nil || err != nil {
		t.Fatalf("nil input: got %v, %v", c, err)
	}
	c, err := BuildTLSConfig(&TLSConfig{InsecureSkipVerify: true})
	if err != nil || !c.InsecureSkipVerify || c.MinVersion == 0 {
		t.Fatalf("got %+v, %v", c, err)
	}
	if _, err := BuildTLSConfig(&TLSConfig{CACert: []byte("not PEM")}); err == nil {
		t.Fatal("a CA bundle without certificates was accepted")
	}
}

func TestNewClientPingFailsAndKeepsConfig(t *testing.T) {
	// A port that was just free: nothing answers there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()

	cfg := &Config{Addr: addr, DialTimeout: 200 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c, err := NewClient(ctx, cfg); err == nil || c != nil {
		t.Fatalf("NewClient against a closed port: client %v, error %v", c, err)
	}
	if cfg.ReadTimeout != 0 {
		t.Fatal("NewClient changed the caller's Config")
	}
}
