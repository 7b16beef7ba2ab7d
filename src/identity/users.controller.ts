import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateUserDto, UpdateUserDto, UserQuery } from './dto/users.dto';
import { UsersService } from './users.service';
import { RequirePermission } from '../common/decorators';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequirePermission('users:manage')
  @ApiOperation({ summary: 'Create a user with roles (and organisations, for applicants)' })
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Get()
  @RequirePermission('users:manage')
  list(@Query() q: UserQuery) {
    return this.users.list(q);
  }

  @Get(':id')
  @RequirePermission('users:manage')
  get(@Param('id') id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @RequirePermission('users:manage')
  @ApiOperation({
    summary: 'Change name, roles, organisations, language or password; {active:false} deactivates (users are never deleted)',
  })
  update(@Param('id') id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(id, dto);
  }
}
