-- What agents type into the search box, for the search rows: names, policy numbers and phone
-- numbers written three ways (customers of gen_customers.py). Already form/URL-encoded.
local names = { "kevin", "ramgoolam", "priyanka duval", "emilie", "joomun", "stephane lagesse",
  "ah-chuen", "li kwong", "vikash", "curepipe", "de speville", "nundlall", "fatima", "gopaul" }
local i = 0
math.randomseed(42)
function next_query()
  i = i + 1
  local n = math.random(0, 99999)
  local q
  local kind = i % 5
  if kind == 0 then q = string.format("BEN/%d", n)
  elseif kind == 1 then q = string.format("57%06d", n)
  elseif kind == 2 then q = string.format("%%2B230+57%02d+%04d", math.floor(n / 10000), n % 10000)
  else q = names[(i % #names) + 1] end
  return (q:gsub(" ", "+"))
end
