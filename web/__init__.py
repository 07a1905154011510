"""HTTP pieces shared by the access gate (auth/) and the JSON API (api/), so neither has to
import the other: api/ may import auth/, auth/ never imports api/."""
